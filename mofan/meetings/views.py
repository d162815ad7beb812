import calendar as pycalendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.core.access import scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service, sort_param
from mofan.meetings import exports, services
from mofan.meetings.forms import AttachmentForm, CancelForm, MeetingFilterForm, MeetingForm
from mofan.meetings.models import Attachment, Attendance, Kind, MeetingStatus
from mofan.meetings.selectors import (
    attachment_get,
    calendar_month,
    meeting_filter,
    meeting_get,
    meeting_list,
)
from mofan.orgs.models import OrgType
from mofan.orgs.selectors import org_breadcrumb, org_get

MEETING_SORTS = {"date": "planned_on", "kind": "kind", "org": "org__path", "held_on": "held_on"}


def _can_write(user, org) -> bool:
    return scope_of(user).can_record(org.path)


def _org_param(request):
    org_id = request.GET.get("org") or request.POST.get("org")
    return org_get(actor=request.user, org_id=org_id) if org_id else None


def _filtered(request):
    form = MeetingFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    org = org_get(actor=request.user, org_id=filters["org"]) if filters.get("org") else None
    meetings = meeting_filter(
        meeting_list(actor=request.user),
        org=org,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return form, org, meetings


@login_required
def meeting_index(request):
    form, org, meetings = _filtered(request)
    sort, order_by = sort_param(request, MEETING_SORTS, "-date")
    if request.GET.get("export"):
        ordered = meetings.order_by("org__path", "planned_on")
        return xlsx_response(*exports.meeting_export(actor=request.user, org=org, meetings=ordered))
    page = paginate_page(request, meetings.order_by(order_by, "-id"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "meetings/list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "sort": sort,
            "query": query.urlencode(),
            "can_write": org is not None and _can_write(request.user, org),
            "breadcrumb": org_breadcrumb(actor=request.user, org=org) if org else None,
        },
    )


def _attendance_rows(request, meeting_members) -> list[services.AttendanceRow]:
    rows = []
    for member in meeting_members:
        status = request.POST.get(f"att-{member.id}")
        if status:
            rows.append(
                services.AttendanceRow(
                    member.id, status, request.POST.get(f"reason-{member.id}", "")
                )
            )
    return rows


def _attendance_table(meeting_members, existing: dict[int, Attendance], data=None):
    table = []
    for member in meeting_members:
        record = existing.get(member.id)
        status = (data or {}).get(f"att-{member.id}") or (
            record.status if record else Attendance.Status.PRESENT
        )
        reason = (data or {}).get(f"reason-{member.id}") or (record.reason if record else "")
        table.append({"member": member, "status": status, "reason": reason})
    return table


def _default_kind(kinds) -> str:
    """支部党员大会 where the org holds one, else its first kind in the order of Kind."""
    if Kind.BRANCH_GENERAL in kinds:
        return Kind.BRANCH_GENERAL
    return next((k.value for k in Kind if k in kinds), "")


@login_required
def create(request):
    org = _org_param(request)
    if org is None:
        raise Http404("请先选择组织")
    if not _can_write(request.user, org):
        raise PermissionDenied("您没有记录该组织组织生活的权限")
    kinds = services.KINDS_FOR.get(OrgType(org.org_type), set())
    initial = {
        "kind": request.GET.get("kind") or _default_kind(kinds),
        "planned_on": timezone.localdate(),
    }
    form = MeetingForm(request.POST or None, initial=initial, kinds=kinds)
    members = services.expected_members(org)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        if form.cleaned_data["held"]:
            attendance = _attendance_rows(request, members)
            meeting = run_service(
                form,
                lambda: services.meeting_create_held(
                    actor=request.user, org=org, attendance=attendance, **data
                ),
            )
        else:
            data.pop("held_on", None)
            meeting = run_service(
                form, lambda: services.meeting_plan(actor=request.user, org=org, **data)
            )
        if meeting is not None:
            messages.success(request, f"已保存：{meeting}")
            return redirect("meetings:detail", meeting.id)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "org": org,
            "table": _attendance_table(members, {}, request.POST or None),
            "statuses": Attendance.Status.choices,
            "breadcrumb": org_breadcrumb(actor=request.user, org=org),
            "creating": True,
        },
    )


@login_required
def detail(request, meeting_id):
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    attendance = list(meeting.attendance.select_related("member"))
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "attendance": attendance,
            "turnout": services.turnout(meeting),
            "attachments": meeting.attachments.all(),
            "can_write": _can_write(request.user, meeting.org),
            "attachment_form": AttachmentForm(),
            "cancel_form": CancelForm(),
            "breadcrumb": org_breadcrumb(actor=request.user, org=meeting.org),
        },
    )


@login_required
def edit(request, meeting_id):
    """Edit a planned meeting, record it as held, or correct a held one (audited)."""
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    if not _can_write(request.user, meeting.org):
        raise PermissionDenied("您没有记录该组织组织生活的权限")
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, "已取消的会议不能修改")
        return redirect("meetings:detail", meeting.id)
    existing = {a.member_id: a for a in meeting.attendance.select_related("member")}
    members = list(
        {
            **{m.id: m for m in services.expected_members(meeting.org)},
            **{k: a.member for k, a in existing.items()},
        }.values()
    )
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS}
    initial["held"] = meeting.status == MeetingStatus.HELD or request.GET.get("record") == "1"
    initial["held_on"] = meeting.held_on or (timezone.localdate() if initial["held"] else None)
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        kinds=services.KINDS_FOR.get(OrgType(meeting.org.org_type), set()),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        attendance = _attendance_rows(request, members)
        if form.cleaned_data["held"]:
            held_on = data.pop("held_on")
            saved = run_service(
                form,
                lambda: services.meeting_record(
                    actor=request.user,
                    meeting=meeting,
                    held_on=held_on,
                    attendance=attendance,
                    **data,
                ),
            )
        else:
            saved = run_service(
                form,
                lambda: services.meeting_update(
                    actor=request.user, meeting=meeting, attendance=attendance or None, **data
                ),
            )
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("meetings:detail", meeting.id)
        meeting.refresh_from_db()
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "org": meeting.org,
            "meeting": meeting,
            "table": _attendance_table(members, existing, request.POST or None),
            "statuses": Attendance.Status.choices,
            "breadcrumb": org_breadcrumb(actor=request.user, org=meeting.org),
        },
    )


@login_required
@require_POST
def cancel(request, meeting_id):
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    form = CancelForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "已取消该会议")
    else:
        messages.error(request, "取消失败：" + form_errors(form))
    return redirect("meetings:detail", meeting.id)


@login_required
@require_POST
def attach(request, meeting_id):
    meeting = meeting_get(actor=request.user, meeting_id=meeting_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.attachment_add(
            actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
        ),
    ):
        messages.success(request, "已上传附件")
    else:
        messages.error(request, "上传失败：" + form_errors(form))
    return redirect("meetings:detail", meeting.id)


def _attachment(request, attachment_id) -> Attachment:
    return attachment_get(actor=request.user, attachment_id=attachment_id)


@login_required
def download(request, attachment_id):
    attachment = _attachment(request, attachment_id)
    inline = (
        attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def detach(request, attachment_id):
    attachment = _attachment(request, attachment_id)
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"已删除附件 {attachment.original_name}")
    return redirect("meetings:detail", attachment.meeting_id)


@login_required
def calendar(request):
    org = _org_param(request)
    today = timezone.localdate()
    try:
        year, month = (
            int(request.GET.get("year", today.year)),
            int(request.GET.get("month", today.month)),
        )
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    days = calendar_month(actor=request.user, org=org, year=first.year, month=first.month)
    return render(
        request,
        "meetings/calendar.html",
        {"org": org, "first": first, "weeks": _weeks(first, days), "today": today, "kinds": Kind},
    )


def _weeks(first: date, days: dict) -> list[list[dict]]:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {"day": d, "in_month": d.month == first.month, "meetings": days.get(d, [])}
                for d in week
            ]
        )
    return weeks
