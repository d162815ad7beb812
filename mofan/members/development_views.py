"""Pages of member development: the pipeline ledger, a candidate's steps, the rule table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import paginate_page, run_service
from mofan.members import development, exports
from mofan.members.forms import CandidateForm, DevelopmentRuleForm, StepForm, StopForm
from mofan.members.selectors import (
    candidate_get,
    candidate_list,
    development_rule_get,
    development_rule_list,
)
from mofan.orgs.models import BRANCH_TYPES
from mofan.orgs.selectors import org_breadcrumb, org_get, orgs_under_roles


def _can_write(user, org) -> bool:
    return scope_of(user).can_record(org.path)


@login_required
def ledger(request):
    candidates = (
        candidate_list(actor=request.user)
        .filter(stopped_on__isnull=True)
        .exclude(last_step=development.LAST_STEP)
    )
    org = org_get(actor=request.user, org_id=request.GET["org"]) if request.GET.get("org") else None
    if org is not None:
        candidates = candidates.filter(org__path__startswith=org.path)
    stage = request.GET.get("stage", "")
    if stage.isdigit():
        steps = dict((n, r) for n, _, r in development.STAGES).get(int(stage), range(0))
        candidates = candidates.filter(
            last_step__gte=max(steps.start - 1, 1), last_step__lt=steps.stop - 1
        )
    today = timezone.localdate()
    rows = development.pipeline(candidates.order_by("org__path", "name"))
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        rows = [r for r in rows if r.overdue(today)]
    if request.GET.get("export"):
        export = exports.pipeline_export(actor=request.user, org=org, rows=rows, today=today)
        return xlsx_response(*export)
    page = paginate_page(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/development_ledger.html",
        {
            "page": page,
            "today": today,
            "org": org,
            "stages": development.STAGES,
            "stage": stage,
            "overdue_only": overdue_only,
            "query": query.urlencode(),
            "can_register": scope_of(request.user).records_anywhere,
        },
    )


@login_required
def apply(request):
    if not scope_of(request.user).records_anywhere:
        raise PermissionDenied("您没有发展党员工作的权限")
    branches = orgs_under_roles(actor=request.user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)
    form = CandidateForm(
        request.POST or None, branches=branches, initial={"applied_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        candidate = run_service(
            form, lambda: development.candidate_apply(actor=request.user, **data)
        )
        if candidate is not None:
            messages.success(request, f"已登记入党申请人 {candidate.name}")
            return redirect("members:candidate", candidate.id)
    return render(request, "members/candidate_form.html", {"form": form})


@login_required
def candidate_detail(request, candidate_id):
    candidate = candidate_get(actor=request.user, candidate_id=candidate_id)
    row = development.pipeline_row(candidate, development.rules())
    next_number = row.next_step
    form = StepForm(
        request.POST or None, initial={"number": next_number, "on": timezone.localdate()}
    )
    can_write = _can_write(request.user, candidate.org)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("您没有发展党员工作的权限")
        if form.is_valid():
            data = dict(form.cleaned_data)
            step = run_service(
                form,
                lambda: development.candidate_record_step(
                    actor=request.user, candidate=candidate, **data
                ),
            )
            if step is not None:
                messages.success(
                    request, f"已记录第 {step.number} 步“{development.STEPS[step.number]}”"
                )
                return redirect("members:candidate", candidate.id)
    steps = [
        (s, development.STEPS[s.number], development.stage_of(s.number)[1])
        for s in candidate.steps.all()
    ]
    return render(
        request,
        "members/candidate.html",
        {
            "candidate": candidate,
            "row": row,
            "steps": steps,
            "form": form,
            "can_write": can_write and not candidate.stopped_on and next_number is not None,
            "can_review": candidate.last_step == development.REVIEW_STEP,
            "stop_form": StopForm(initial={"on": timezone.localdate()}),
            "breadcrumb": org_breadcrumb(actor=request.user, org=candidate.org),
            "today": timezone.localdate(),
        },
    )


@login_required
def candidate_stop(request, candidate_id):
    candidate = candidate_get(actor=request.user, candidate_id=candidate_id)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: development.candidate_stop(
                actor=request.user, candidate=candidate, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"已终止 {candidate.name} 的发展程序")
            return redirect("members:candidate", candidate.id)
    for errors in form.errors.values():
        messages.error(request, "；".join(errors))
    return redirect("members:candidate", candidate.id)


@login_required
def rules(request):
    can_edit = scope_of(request.user).is_committee_admin
    return render(
        request,
        "members/development_rules.html",
        {"rules": development_rule_list(), "can_edit": can_edit},
    )


@login_required
def rule_edit(request, rule_id):
    if not scope_of(request.user).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以调整发展党员时限规则")
    rule = development_rule_get(rule_id=rule_id)
    form = DevelopmentRuleForm(request.POST or None, initial={"value": rule.value})
    if request.method == "POST" and form.is_valid():
        development.development_rule_update(
            actor=request.user, rule=rule, value=form.cleaned_data["value"]
        )
        messages.success(request, f"已将“{rule.name}”调整为 {rule.value} {rule.unit}")
        return redirect("members:development_rules")
    return render(
        request,
        "members/action.html",
        {
            "form": form,
            "title": f"调整：{rule.name}（{rule.unit}）",
            "cancel_url": reverse("members:development_rules"),
        },
    )
