"""Pages of 督查督办, 周调度 and 月计划."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.core.access import scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service
from mofan.orgs.selectors import org_get, org_roots, org_subtree
from mofan.plans import exports, scheduling, services, supervision
from mofan.plans.forms import AnswerForm, FeedbackForm, InstructionForm, TaskForm, WeeklyForm
from mofan.plans.models import Assignment, TaskStatus
from mofan.plans.selectors import (
    assignment_get,
    assignment_list,
    feedback_file_get,
    instruction_get,
    instruction_list,
    task_list,
    weekly_meeting_get,
    weekly_meeting_list,
)
from mofan.plans.views import administered


def _period(request) -> tuple[date | None, date | None]:
    try:
        since = date.fromisoformat(request.GET["since"]) if request.GET.get("since") else None
        until = date.fromisoformat(request.GET["until"]) if request.GET.get("until") else None
    except ValueError:
        return None, None
    return since, until


DUE_SOON_DAYS = 3
ASSIGNMENT_FILTERS = {
    "pending": "待反馈",
    "overdue": "逾期未反馈",
    "answered": "已反馈",
    "closed": "已办结",
}


def _with_status(assignments, status: str, today: date):
    if status == "overdue":
        return assignments.filter(status=Assignment.Status.PENDING, deadline__lt=today)
    return assignments.filter(status=status)


def _assignment_state(assignment: Assignment, today: date) -> tuple[str, str]:
    """(tag class, label) of an assignment in the register."""
    if assignment.status == Assignment.Status.CLOSED:
        return "tag-done", "已办结"
    if assignment.status == Assignment.Status.ANSWERED:
        return "tag-done", "已反馈"
    if assignment.deadline < today:
        return "tag-bad", "逾期未反馈"
    if (assignment.deadline - today).days <= DUE_SOON_DAYS:
        return "tag-due", "待反馈（临期）"
    return "", "待反馈"


def _row(instruction, today: date) -> dict:
    states = [(a, *_assignment_state(a, today)) for a in instruction.shown]
    return {
        "instruction": instruction,
        "assignments": states,
        "overdue": any(css == "tag-bad" for _, css, _ in states),
    }


@login_required
def supervision_index(request):
    """The register, and its statistics for a period (by date received) and, with ?org=,
    for the units of one sub-tree."""
    today = timezone.localdate()
    since, until = _period(request)
    org = org_get(actor=request.user, org_id=request.GET["org"]) if request.GET.get("org") else None
    instructions = instruction_list(actor=request.user)
    if since:
        instructions = instructions.filter(received_on__gte=since)
    if until:
        instructions = instructions.filter(received_on__lte=until)
    assignments = assignment_list(actor=request.user).filter(instruction__in=instructions)
    if org is not None:
        assignments = assignments.filter(org__path__startswith=org.path)
        instructions = instructions.filter(pk__in=assignments.values("instruction_id"))
    stats = supervision.supervision_stats(assignments, today, instructions.count())
    if request.GET.get("export"):
        workbook = exports.supervision_export(
            actor=request.user, assignments=assignments, today=today
        )
        return xlsx_response(workbook, "督查督办工作台账.xlsx")
    status = request.GET.get("status", "")
    listed = _with_status(assignments, status, today) if status in ASSIGNMENT_FILTERS else None
    shown = instructions.prefetch_related(
        Prefetch(
            "assignments",
            queryset=(listed if listed is not None else assignments)
            .select_related("org")
            .order_by("deadline", "org__path"),
            to_attr="shown",
        )
    )
    if listed is not None:
        shown = shown.filter(pk__in=listed.values("instruction_id"))
    page = paginate_page(request, shown.order_by("-received_on", "-id"))
    rows = [_row(i, today) for i in page]
    orgs = administered(request.user)
    form = InstructionForm(orgs=orgs, units=orgs, initial={"received_on": today})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/supervision.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "status_choices": ASSIGNMENT_FILTERS.items(),
            "stats": stats,
            "form": form,
            "can_register": orgs.exists(),
            "query": query.urlencode(),
            "since": since,
            "until": until,
            "org": org,
        },
    )


@login_required
def instruction_new(request):
    orgs = administered(request.user)
    if not orgs.exists():
        raise PermissionDenied("您没有登记督办事项的权限")
    form = InstructionForm(
        request.POST or None, orgs=orgs, units=orgs, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units, deadline = data.pop("units"), data.pop("deadline")
        instruction = run_service(
            form,
            lambda: supervision.instruction_register(
                actor=request.user, assignments=[(u, deadline) for u in units], **data
            ),
        )
        if instruction is not None:
            messages.success(request, f"已登记督办事项“{instruction.title}”")
            return redirect("plans:instruction", instruction.id)
    return render(request, "plans/instruction_form.html", {"form": form})


@login_required
def instruction_detail(request, instruction_id):
    instruction = instruction_get(actor=request.user, instruction_id=instruction_id)
    scope = scope_of(request.user)
    assignments = (
        assignment_list(actor=request.user)
        .filter(instruction=instruction)
        .select_related("org")
        .prefetch_related("feedback__by", "feedback__files")
    )
    rows = [
        {
            "assignment": a,
            "can_answer": services.is_reporter(request.user, a.org, instruction.org)
            and a.status != Assignment.Status.CLOSED,
            "overdue": a.first_answered_on is None and a.deadline < timezone.localdate(),
        }
        for a in assignments
    ]
    return render(
        request,
        "plans/instruction.html",
        {
            "instruction": instruction,
            "rows": rows,
            "can_supervise": scope.can_admin(instruction.org.path),
            "form": FeedbackForm(initial={"on": timezone.localdate()}),
            "answer_form": AnswerForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def assignment_act(request, assignment_id, action):
    assignment = assignment_get(actor=request.user, assignment_id=assignment_id)
    form = (AnswerForm if action == "answer" else FeedbackForm)(request.POST, request.FILES)
    actions = {
        "answer": supervision.assignment_answer,
        "remind": supervision.assignment_remind,
        "close": supervision.assignment_close,
    }
    if action not in actions:
        raise Http404("未知操作")
    if form.is_valid() and run_service(
        form,
        lambda: actions[action](actor=request.user, assignment=assignment, **form.cleaned_data),
    ):
        messages.success(
            request, {"answer": "已反馈", "remind": "已催办", "close": "已办结"}[action]
        )
    else:
        messages.error(request, form_errors(form))
    return redirect("plans:instruction", assignment.instruction_id)


@login_required
def weekly_index(request):
    meetings = weekly_meeting_list(actor=request.user)
    page = paginate_page(request, meetings.order_by("-held_on", "-id"))
    return render(
        request, "plans/weekly_list.html", {"page": page, "orgs": administered(request.user)}
    )


@login_required
def weekly_new(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin(org.path):
        raise PermissionDenied("您没有为该组织记录周调度的权限")
    today = timezone.localdate()
    open_tasks = list(
        task_list(actor=request.user)
        .filter(
            owner_org__path__startswith=org.path,
            status__in=["not_started", "in_progress", "submitted"],
        )
        .order_by("deadline")[:200]
    )
    form = WeeklyForm(request.POST or None, initial={"held_on": today})
    if request.method == "POST" and form.is_valid():
        chosen = [
            (t, request.POST.get(f"note-{t.id}", ""))
            for t in open_tasks
            if request.POST.get(f"review-{t.id}")
        ]
        meeting = run_service(
            form,
            lambda: scheduling.weekly_meeting_record(
                actor=request.user, org=org, reviews=chosen, **form.cleaned_data
            ),
        )
        if meeting is not None:
            messages.success(request, "已记录周调度")
            return redirect("plans:weekly", meeting.id)
    rows = [(t, services.derived_status(t, today)) for t in open_tasks]
    return render(request, "plans/weekly_form.html", {"form": form, "org": org, "rows": rows})


@login_required
def weekly_detail(request, meeting_id):
    meeting = weekly_meeting_get(actor=request.user, meeting_id=meeting_id)
    can_admin = scope_of(request.user).can_admin(meeting.org.path)
    orgs = org_subtree(meeting.org).order_by("path")
    form = TaskForm(request.POST or None, orgs=orgs, initial={"start_on": meeting.held_on})
    if request.method == "POST":
        if not can_admin:
            raise PermissionDenied("您没有为该组织下达任务的权限")
        if form.is_valid():
            task = run_service(
                form,
                lambda: services.task_create(
                    actor=request.user, source_meeting=meeting, **form.cleaned_data
                ),
            )
            if task is not None:
                messages.success(request, f"已根据议定事项下达任务“{task.title}”")
                return redirect("plans:weekly", meeting.id)
    return render(
        request,
        "plans/weekly.html",
        {
            "meeting": meeting,
            "reviews": [
                (r, TaskStatus(r.status).label)
                for r in meeting.reviews.select_related("task__owner_org")
            ],
            "created": meeting.created_tasks.select_related("owner_org"),
            "form": form,
            "can_admin": can_admin,
        },
    )


@login_required
def monthly(request):
    today = timezone.localdate()
    org_id = request.GET.get("org")
    roots = list(org_roots(actor=request.user))
    org = org_get(actor=request.user, org_id=org_id) if org_id else (roots[0] if roots else None)
    if org is None:
        raise Http404("您还没有任何组织的授权")
    try:
        year, month = (
            int(request.GET.get("year", today.year)),
            int(request.GET.get("month", today.month)),
        )
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    tasks = scheduling.monthly_plan(task_list(actor=request.user), org, year, month).order_by(
        "owner_org__path", "deadline", "id"
    )
    rows = [(t, services.derived_status(t, today)) for t in tasks[:1000]]
    return render(
        request, "plans/monthly.html", {"org": org, "year": year, "month": month, "rows": rows}
    )


@login_required
def feedback_file(request, file_id):
    item = feedback_file_get(actor=request.user, file_id=file_id)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=item.content_type,
    )
