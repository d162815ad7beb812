from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.orgs.selectors import org_roots
from mofan.site.mine import mine as my_overview
from mofan.site.workbench import workbench_for


@login_required
def home(request):
    scope = scope_of(request.user)
    if scope.grants and not scope.reads_roster_anywhere:
        return redirect("mine")  # a plain member lands on their own page
    today = timezone.localdate()
    return render(
        request,
        "site/home.html",
        {
            "roots": org_roots(actor=request.user),
            "bench": workbench_for(actor=request.user, today=today),
            "today": today,
        },
    )


@login_required
def mine(request):
    today = timezone.localdate()
    return render(request, "site/mine.html", {"mine": my_overview(actor=request.user, today=today)})
