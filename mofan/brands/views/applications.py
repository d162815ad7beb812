"""A branch's 四强党支部 application: the form (self-evaluation per criterion, evidence, the
negative list), its page with the prerequisites and their values, the review steps, the
evidence files, and the review queue of the units and of the committee."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.brands.forms import (
    ApplicationForm,
    criterion_initial,
    criterion_texts,
    negative_confirmed,
    negative_initial,
)
from mofan.brands.models import CRITERIA, Status
from mofan.brands.prerequisites import failed, from_stored, prerequisites
from mofan.brands.selectors import (
    application_file_get,
    application_get,
    application_list,
    call_get,
)
from mofan.brands.services import four_strong
from mofan.brands.steps import APPLICATION_STEPS
from mofan.brands.views.common import (
    REVIEWED,
    file_response,
    queue_context,
    step_actions,
    take_step,
)
from mofan.core.views_helpers import run_service
from mofan.orgs.selectors import org_get

SORTS = {"org": "org__path", "year": "call__year", "submitted": "submitted_on", "status": "status"}


def _data(form) -> dict:
    return {
        "self_evaluation": criterion_texts(form.cleaned_data),
        "negative_confirmed": negative_confirmed(form),
        "files": form.cleaned_data.get("files") or [],
    }


@login_required
def application_new(request, call_id):
    call = call_get(actor=request.user, call_id=call_id)
    try:
        org = org_get(actor=request.user, org_id=request.GET.get("org"))
    except Http404:
        messages.error(request, "请从本支部的页面申报")
        return redirect("brands:call", call.id)
    form = ApplicationForm(request.POST or None, request.FILES or None, call=call)
    if request.method == "POST" and form.is_valid():
        application = run_service(
            form,
            lambda: four_strong.application_create(
                actor=request.user, call=call, org=org, **_data(form)
            ),
        )
        if application is not None:
            messages.success(request, "已保存草稿；核对无误后点“提交申报”")
            return redirect("brands:application", application.id)
    return render(
        request,
        "brands/application_form.html",
        {"form": form, "call": call, "org": org, "prerequisites": prerequisites(call, org)},
    )


@login_required
def application_edit(request, application_id):
    application = application_get(actor=request.user, application_id=application_id)
    if not application.is_editable:
        messages.error(request, "已提交的申报不能修改")
        return redirect("brands:application", application.id)
    call = application.call
    initial = {
        **criterion_initial(application.self_evaluation),
        "negative": negative_initial(call, application.negative_confirmed),
    }
    form = ApplicationForm(request.POST or None, request.FILES or None, call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: four_strong.application_update(
                actor=request.user, application=application, **_data(form)
            ),
        )
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("brands:application", application.id)
    return render(
        request,
        "brands/application_form.html",
        {
            "form": form,
            "call": call,
            "org": application.org,
            "application": application,
            "prerequisites": prerequisites(call, application.org),
        },
    )


def _actions(user, application) -> list[str]:
    return step_actions(
        user,
        application,
        committee=application.call.org,
        decides=["recognise", "reject", "return"],
        keeps=["recheck", "revoke"],
    )


@login_required
def application_detail(request, application_id):
    application = application_get(actor=request.user, application_id=application_id)
    if application.status in (Status.DRAFT, Status.RETURNED):
        shown = prerequisites(application.call, application.org)
        blocking = failed(shown)
    else:
        shown, blocking = from_stored(application.prerequisites), []
    actions = _actions(request.user, application)
    return render(
        request,
        "brands/application.html",
        {
            "application": application,
            "call": application.call,
            "evaluation": [(n, application.self_evaluation.get(n, "")) for n in CRITERIA],
            "prerequisites": shown,
            "blocking": blocking,
            "actions": actions,
            "can_edit": application.is_editable and "submit" in actions,
            "this_year": timezone.localdate().year,
        },
    )


DONE = {
    **REVIEWED,
    "recognise": "已认定为四强党支部",
    "recheck": "已记录年度复核",
    "revoke": "已撤销四强党支部称号",
}


@login_required
@require_POST
def application_step(request, application_id):
    application = application_get(actor=request.user, application_id=application_id)
    return take_step(
        request, application, steps=APPLICATION_STEPS, done=DONE, page="brands:application"
    )


@login_required
def application_file(request, file_id):
    return file_response(application_file_get(actor=request.user, file_id=file_id))


@login_required
def queue(request):
    found = application_list(actor=request.user)
    context = queue_context(request, found, sorts=SORTS, year_field="call__year")
    return render(request, "brands/queue.html", context)
