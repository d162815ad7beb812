"""Compliance matrix, attendance rates, the six-month list, appraisal and elections pages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.dates import add_months
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.periods import Span, span_of
from mofan.core.views_helpers import paginate_page, run_service
from mofan.meetings import appraisal, elections, exports
from mofan.meetings.compliance import STATUS_LABELS, by_unit, compliance
from mofan.meetings.forms import GRADE_CHOICES, AnswerForm, AppraisalForm, ElectionForm, PeriodForm
from mofan.meetings.models import Election
from mofan.meetings.selectors import (
    INACTIVE_MONTHS,
    appraisal_round_get,
    appraisal_round_list,
    attendance_by_org,
    attendance_rates,
    election_get,
    election_list,
    inactive_members,
)
from mofan.members.selectors import member_list
from mofan.orgs.models import BRANCH_TYPES, CommitteePost, Org, OrgType
from mofan.orgs.selectors import org_breadcrumb, org_get, org_list, org_roots, orgs_under_roles

MATRIX_PAGE = 50


def _root(request):
    org_id = request.GET.get("org")
    if org_id:
        return org_get(actor=request.user, org_id=org_id)
    roots = list(org_roots(actor=request.user))
    if not roots:
        raise Http404("您还没有任何组织的授权")
    return roots[0]


def _period(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"year": today.year})
    data = (
        form.cleaned_data
        if form.is_valid()
        else {"year": today.year, "quarter": None, "month": None, "kind": ""}
    )
    return form, data


@login_required
def matrix(request):
    """Orgs × months (a year or quarter) or × quarters: held / required with the status."""
    root = _root(request)
    form, data = _period(request)
    today = timezone.localdate()
    span = span_of(data["year"], data.get("quarter"), data.get("month"))
    orgs_query = org_list(actor=request.user).filter(path__startswith=root.path)
    units = _units_below(request.user, root)
    if units and request.GET.get("view") != "matrix" and not request.GET.get("export"):
        return _summary(request, root, form, span, units, orgs_query)
    page = paginate_page(request, orgs_query.order_by("path"), per_page=MATRIX_PAGE)
    orgs = list(page.object_list)
    lines = compliance(orgs, orgs_query.filter(pk__in=[o.pk for o in orgs]), span, today)
    columns = _columns(span, request.GET.get("by"))
    kind = data.get("kind") or ""
    rows = [_matrix_row(org, lines.get(org.id, []), columns, kind) for org in orgs]
    if request.GET.get("export"):
        export = exports.compliance_export(
            actor=request.user, root=root, span=span, columns=columns, rows=rows
        )
        return xlsx_response(*export)
    _link_cells(rows, reverse("meetings:list"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/compliance.html",
        {
            "root": root,
            "form": form,
            "span": span,
            "columns": columns,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "labels": STATUS_LABELS,
            "breadcrumb": org_breadcrumb(actor=request.user, org=root),
        },
    )


def _units_below(user, root) -> list[Org]:
    """The orgs right below `root` when they are units (机关党委, 党总支 …) rather than its own
    branches: then the page opens as a summary by unit, each drilling down to its branches."""
    below = list(
        org_list(actor=user)
        .filter(path__startswith=root.path, depth=root.depth + 1)
        .exclude(org_type=OrgType.PARTY_GROUP)
        .order_by("path")
        .only("id", "path", "name", "short_name", "org_type")
    )
    return below if any(o.org_type not in BRANCH_TYPES for o in below) else []


def _summary(request, root, form, span, units, orgs_query):
    """One row per unit: the completion rate over its sub-tree (as `meetings.compliance` rolls
    it up), the meetings owed in periods already over, and a link to its branches."""
    today = timezone.localdate()
    figures = by_unit({u.path: u.id for u in units}, orgs_query, span, today)
    query = request.GET.copy()
    query.pop("org", None)
    query.pop("page", None)
    rows = [
        {
            "org": unit,
            "figures": figures[unit.id],
            "href": f"?org={unit.id}&{query.urlencode()}" if query else f"?org={unit.id}",
        }
        for unit in units
    ]
    query["org"] = root.id
    query["view"] = "matrix"
    return render(
        request,
        "meetings/compliance_summary.html",
        {
            "root": root,
            "form": form,
            "span": span,
            "rows": rows,
            "all_rows": f"?{query.urlencode()}",
            "breadcrumb": org_breadcrumb(actor=request.user, org=root),
        },
    )


def _columns(span, by: str | None):
    step = 3 if by == "quarter" and span.month_count >= 3 else 1
    return [
        Span(add_months(span.start, i), add_months(span.start, i + step))
        for i in range(0, span.month_count, step)
    ]


def _matrix_row(org: Org, lines, columns, kind: str) -> dict:
    """For each column: required and held summed over the kinds' periods that fall in it."""
    cells = []
    for column in columns:
        required = held = actual = 0
        statuses = []
        since = column.start  # the drill-down covers the longest period counted in the cell
        for line in lines:
            if kind and line.kind != kind:
                continue
            for period, req, got, status in line.periods:
                # A period is shown in the column holding its last month (a quarter in its third).
                last_day = period.end - timedelta(days=1)
                if column.start <= last_day < column.end:
                    required += req
                    held += min(got, req)
                    actual += got
                    statuses.append(status)
                    since = min(since, period.start)
        worst = (
            next((s for s in ("not_done", "due_soon", "not_yet") if s in statuses), "done")
            if statuses
            else None
        )
        cells.append(
            {
                "required": required,
                "held": held,
                "actual": actual,
                "status": worst,
                "span": column,
                "since": since,
            }
        )
    return {
        "org": org,
        "cells": cells,
        "lines": [line for line in lines if not kind or line.kind == kind],
    }


def _link_cells(rows, list_url: str) -> None:
    """Each cell's status label and its drill-down link, worked out here rather than with a
    `{% url %}` and two date filters per cell in the template (600 cells on a page)."""
    for row in rows:
        for cell in row["cells"]:
            cell["label"] = STATUS_LABELS.get(cell["status"], "")
            cell["title"] = _cell_title(cell)
            cell["href"] = format_html(
                "{}?org={}&status=held&since={}&until={}",
                list_url,
                row["org"].id,
                cell["since"].isoformat(),
                cell["span"].last.isoformat(),
            )


def _cell_title(cell) -> str:
    """The cell's tooltip: what the counts mean, with the real number held when a period had
    more meetings than required (the cell itself shows them capped at the requirement)."""
    if not cell["required"]:
        return "本期没有应开的会议"
    title = f"{cell['label']}：应开 {cell['required']} 次，计入 {cell['held']} 次"
    if cell["actual"] > cell["held"]:
        title += f"（实开 {cell['actual']} 次）"
    return title


@login_required
def attendance(request):
    root = _root(request)
    form, data = _period(request)
    span = span_of(data["year"], data.get("quarter"), data.get("month"))
    members = member_list(actor=request.user).filter(org__path__startswith=root.path)
    if request.GET.get("export"):
        export = exports.attendance_export(
            actor=request.user, root=root, members=members, span=span
        )
        return xlsx_response(*export)
    page = paginate_page(request, members.order_by("org__path", "name"))
    rates = attendance_rates(members.filter(pk__in=[m.pk for m in page]), span.start, span.last)
    rows = [
        {"member": m, "present": rates.get(m.id, (0, 0))[0], "expected": rates.get(m.id, (0, 0))[1]}
        for m in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/attendance.html",
        {
            "root": root,
            "form": form,
            "span": span,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "by_org": attendance_by_org(members, span.start, span.last) if page.number == 1 else [],
        },
    )


@login_required
def inactive(request):
    root = _root(request)
    today = timezone.localdate()
    members = inactive_members(
        member_list(actor=request.user).filter(org__path__startswith=root.path), today
    )
    since = add_months(today, -INACTIVE_MONTHS)
    if request.GET.get("export"):
        export = exports.inactive_export(
            actor=request.user, root=root, members=members, since=since
        )
        return xlsx_response(*export)
    page = paginate_page(request, members.order_by("org__path", "name"))
    return render(
        request,
        "meetings/inactive.html",
        {"root": root, "page": page, "since": since, "query": f"org={root.id}"},
    )


def _writable_branches(user):
    return orgs_under_roles(actor=user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)


@login_required
def appraisals(request):
    """Rounds with their grade counts for any sub-tree and year, and the results export."""
    rounds = appraisal_round_list(actor=request.user)
    org = org_get(actor=request.user, org_id=request.GET["org"]) if request.GET.get("org") else None
    if org is not None:
        rounds = rounds.filter(org__path__startswith=org.path)
    year = request.GET.get("year", "")
    if year.isdigit():
        rounds = rounds.filter(year=int(year))
    if request.GET.get("export"):
        return xlsx_response(*exports.appraisal_export(actor=request.user, org=org, rounds=rounds))
    page = paginate_page(request, rounds.order_by("-year", "org__path"))
    form = AppraisalForm(
        initial={"year": timezone.localdate().year, "held_on": timezone.localdate()},
        branches=_writable_branches(request.user),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/appraisals.html",
        {
            "page": page,
            "summary": appraisal.appraisal_summary(list(page)),
            "totals": appraisal.appraisal_totals(rounds),
            "form": form,
            "grades": GRADE_CHOICES,
            "year": year,
            "org": org,
            "query": query.urlencode(),
        },
    )


@login_required
def appraisal_new(request):
    """The form to open a round (GET), and opening it (POST); the form re-shows any refusal."""
    branches = _writable_branches(request.user)
    if not branches.exists():
        raise PermissionDenied("您没有开展民主评议的权限")
    today = timezone.localdate()
    form = AppraisalForm(
        request.POST or None,
        initial={"year": today.year, "held_on": today},
        branches=branches,
    )
    if request.method == "POST" and form.is_valid():
        round_ = run_service(
            form, lambda: appraisal.appraisal_open(actor=request.user, **form.cleaned_data)
        )
        if round_ is not None:
            return redirect("meetings:appraisal", round_.id)
    return render(request, "meetings/appraisal_form.html", {"form": form})


@login_required
def appraisal_detail(request, round_id):
    round_ = appraisal_round_get(actor=request.user, round_id=round_id)
    can_write = scope_of(request.user).can_record(round_.org.path) and not round_.closed
    results = list(
        round_.results.select_related("member").order_by("member__category", "member__name")
    )
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("您没有评议该支部党员的权限")
        grades = {r.member_id: request.POST.get(f"grade-{r.member_id}", "") for r in results}
        try:
            appraisal.appraisal_grade(actor=request.user, round_=round_, grades=grades)
            if request.POST.get("close"):
                appraisal.appraisal_close(actor=request.user, round_=round_)
            messages.success(request, "已保存评议结果")
            return redirect("meetings:appraisal", round_.id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            for r in results:
                r.grade = grades.get(r.member_id, r.grade)
    full = sum(1 for r in results if r.member.category == "full")
    return render(
        request,
        "meetings/appraisal.html",
        {
            "round": round_,
            "results": results,
            "grades": GRADE_CHOICES,
            "can_write": can_write,
            "limit": appraisal.excellent_limit(full),
            "full": full,
        },
    )


@login_required
def terms(request):
    today = timezone.localdate()
    orgs = elections.terms_expiring(org_list(actor=request.user), today)
    if request.GET.get("export"):
        return xlsx_response(*exports.terms_export(actor=request.user, orgs=orgs, today=today))
    scope = scope_of(request.user)
    pending = election_list(actor=request.user).filter(status=Election.Status.SUBMITTED)
    rows = [(o, scope.can_record(o.path)) for o in orgs]
    return render(
        request, "meetings/terms.html", {"rows": rows, "today": today, "pending": pending}
    )


def _parse_elected(text: str) -> list[tuple[str, str, int]]:
    posts = {label: value for value, label in CommitteePost.choices}
    elected = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or parts[1] not in posts or not parts[2].isdigit():
            raise ApplicationError(
                f"第 {number} 行应为“姓名 职务 得票”，如“张伟 书记 23”", field="elected"
            )
        elected.append((parts[0], posts[parts[1]], int(parts[2])))
    return elected


@login_required
def election_new(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_record(org.path):
        raise PermissionDenied("您没有记录该组织换届选举的权限")
    form = ElectionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        election = run_service(
            form,
            lambda: elections.election_record(
                actor=request.user, org=org, **{**data, "elected": _parse_elected(data["elected"])}
            ),
        )
        if election is not None:
            messages.success(request, "已记录换届选举结果，待上级党组织批复")
            return redirect("meetings:election", election.id)
    return render(
        request,
        "meetings/election_form.html",
        {"form": form, "org": org, "breadcrumb": org_breadcrumb(actor=request.user, org=org)},
    )


@login_required
def election_detail(request, election_id):
    election = election_get(actor=request.user, election_id=election_id)
    scope = scope_of(request.user)
    form = AnswerForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        on, note = form.cleaned_data["on"], form.cleaned_data["note"]
        if request.POST.get("answer") == "approve":
            done = run_service(
                form,
                lambda: elections.election_approve(actor=request.user, election=election, on=on),
            )
        else:
            done = run_service(
                form,
                lambda: elections.election_reject(
                    actor=request.user, election=election, on=on, note=note
                ),
            )
        if done is not None:
            messages.success(request, "已批复")
            return redirect("meetings:election", election.id)
    return render(
        request,
        "meetings/election.html",
        {
            "election": election,
            "elected": election.elected.all(),
            "form": form,
            "can_answer": scope.can_admin_strictly_below(election.org.path)
            and election.status == Election.Status.SUBMITTED,
            "posts": elections.POSTS,
        },
    )
