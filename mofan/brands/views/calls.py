"""The 四强党支部 calls: the list (the app's start page), create/edit, close, the detail with
its applications, and the published list of recognised branches by year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.brands import exports
from mofan.brands.forms import CallForm, criterion_initial, criterion_texts
from mofan.brands.models import CRITERIA, Status
from mofan.brands.prerequisites import prerequisites, prerequisites_of
from mofan.brands.selectors import application_list, call_get, call_list, recognised_list
from mofan.brands.services import four_strong
from mofan.brands.services.common import is_committee_over
from mofan.core.access import RECORDER_ROLES, Role, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import run_service
from mofan.orgs.models import BRANCH_TYPES, OrgType
from mofan.orgs.selectors import orgs_under_roles


def _committees(user):
    return orgs_under_roles(
        actor=user, roles={Role.COMMITTEE_ADMIN}, org_types=[OrgType.WORKING_COMMITTEE]
    )


@login_required
def index(request):
    calls = list(call_list(actor=request.user).order_by("-year"))
    return render(
        request,
        "brands/calls.html",
        {"calls": calls, "can_create": _committees(request.user).exists()},
    )


def _call_data(cleaned: dict) -> dict:
    return {
        "title": cleaned["title"],
        "deadline": cleaned["deadline"],
        "min_compliance": cleaned["min_compliance"],
        "require_checklist": cleaned["require_checklist"],
        "negative_list": cleaned["negative_list"],
        "criteria": criterion_texts(cleaned),
    }


@login_required
def call_new(request):
    committee = _committees(request.user).first()
    if committee is None:
        raise PermissionDenied("只有机关工委管理员可以发起四强党支部创建")
    form = CallForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = _call_data(form.cleaned_data)
        call = run_service(
            form,
            lambda: four_strong.call_create(
                actor=request.user, org=committee, year=form.cleaned_data["year"], **data
            ),
        )
        if call is not None:
            messages.success(request, "已发起申报，各党支部已收到通知")
            return redirect("brands:call", call.id)
    return render(request, "brands/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request, call_id):
    call = call_get(actor=request.user, call_id=call_id)
    if not is_committee_over(request.user, call.org):
        raise PermissionDenied("只有机关工委管理员可以修改")
    texts = {c["name"]: c.get("text", "") for c in call.criteria}
    initial = {
        "title": call.title,
        "deadline": call.deadline,
        "min_compliance": call.min_compliance,
        "require_checklist": call.require_checklist,
        "negative_list": call.negative_list,
        **criterion_initial(texts),
    }
    form = CallForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = _call_data(form.cleaned_data)
        if run_service(
            form, lambda: four_strong.call_update(actor=request.user, call=call, **data)
        ):
            messages.success(request, "已保存")
            return redirect("brands:call", call.id)
    return render(request, "brands/call_form.html", {"form": form, "call": call})


@login_required
@require_POST
def call_close(request, call_id):
    call = call_get(actor=request.user, call_id=call_id)
    try:
        four_strong.call_close(actor=request.user, call=call)
        messages.success(request, "申报已截止")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("brands:call", call.id)


def _own_branches(user, call):
    """The branches the user records for with a grant on the branch itself (its secretary or
    admins), which may apply to the call: a unit's admins review, they do not apply."""
    own = [g.path for g in scope_of(user).grants if g.role in RECORDER_ROLES]
    branches = orgs_under_roles(actor=user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)
    return branches.filter(path__in=own, path__startswith=call.org.path)[:10]


@login_required
def call_detail(request, call_id):
    call = call_get(actor=request.user, call_id=call_id)
    applications = list(
        application_list(actor=request.user).filter(call=call).order_by("org__path")
    )
    applied = {a.org_id for a in applications}
    branches = []
    if call.is_open:
        branches = [
            (branch, prerequisites(call, branch))
            for branch in _own_branches(request.user, call)
            if branch.pk not in applied
        ]
    counts = {s.label: 0 for s in Status}
    for application in applications:
        counts[application.get_status_display()] += 1
    return render(
        request,
        "brands/call.html",
        {
            "call": call,
            "applications": applications,
            "branches": branches,
            "counts": {k: v for k, v in counts.items() if v},
            "can_manage": is_committee_over(request.user, call.org),
            "criteria": call.criteria or [{"name": n, "text": ""} for n in CRITERIA],
        },
    )


@login_required
def recognised(request):
    found = recognised_list(actor=request.user).order_by("-call__year", "org__path")
    year = request.GET.get("year", "")
    if year.isdigit():
        found = found.filter(call__year=int(year))
    if request.GET.get("export"):
        export = exports.recognised_export(actor=request.user, applications=found)
        return xlsx_response(export.workbook, export.filename)
    shown = list(found)
    by_year: dict[int, list] = {}
    for application in shown:
        by_year.setdefault(application.call.year, []).append(application)
    this_year = timezone.localdate().year
    checks = _yearly_checks(shown, this_year) if scope_of(request.user).is_committee_admin else {}
    return render(
        request,
        "brands/recognised.html",
        {
            "years": [
                (y, items, {a.pk: checks[a.pk] for a in items if a.pk in checks})
                for y, items in by_year.items()
            ],
            "year": year,
            "this_year": this_year,
        },
    )


def _yearly_checks(applications, year: int) -> dict[int, list]:
    """{application id: its prerequisites in `year`} for the titles held from earlier years:
    what the committee's yearly re-check reads from the records (one read per call)."""
    held: dict = {}
    for application in applications:
        if application.status == Status.RECOGNISED and application.call.year < year:
            held.setdefault(application.call, []).append(application)
    checks = {}
    for call, items in held.items():
        found = prerequisites_of(call, [a.org for a in items], year=year)
        checks.update({a.pk: found[a.org_id] for a in items})
    return checks
