"""The vote page: no login (群众代表 have no account), the code is the only key. Step one
checks the code, step two shows every reporter with 好 / 较好 / 一般 / 差 and an optional
comment and submits them all at once; a refused ballot keeps what was chosen."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from mofan.appraisal import ballots
from mofan.appraisal.forms import GRADE_CHOICES, CodeForm
from mofan.core.errors import ApplicationError


def _choices(request, reporters) -> tuple[dict[int, str], dict[int, str]]:
    grades = {r.pk: request.POST.get(f"grade-{r.pk}", "") for r in reporters}
    comments = {r.pk: request.POST.get(f"comment-{r.pk}", "") for r in reporters}
    return {k: v for k, v in grades.items() if v}, comments


@never_cache
def vote(request):
    form = CodeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "appraisal/vote_code.html", {"form": form})
    code = form.cleaned_data["code"]
    try:
        checked = ballots.code_check(code)
    except ApplicationError as exc:
        form.add_error("code", exc.message)
        return render(request, "appraisal/vote_code.html", {"form": form})
    reporters = ballots.ballot_reporters(checked.round)
    grades, comments = _choices(request, reporters)
    error = ""
    if request.POST.get("cast"):
        try:
            ballots.ballot_cast(code=code, grades=grades, comments=comments)
        except ApplicationError as exc:
            error = exc.message
        else:
            return render(request, "appraisal/vote_done.html", {"round": checked.round})
    rows = [(r, grades.get(r.pk, ""), comments.get(r.pk, "")) for r in reporters]
    return render(
        request,
        "appraisal/vote.html",
        {
            "round": checked.round,
            "panel": checked.panel,
            "code": code,
            "rows": rows,
            "grades": GRADE_CHOICES,
            "error": error,
        },
    )
