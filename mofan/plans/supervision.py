"""督查督办: every instruction is registered, assigned, followed up until answered and closed
("件件有回应、事事有落实"); an item is never closed without an answer."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.core.uploads import DOCUMENTS, check_upload
from mofan.orgs.models import Org
from mofan.plans import events
from mofan.plans.models import Assignment, Feedback, FeedbackFile, Instruction
from mofan.plans.services import is_reporter, require_admin


@transaction.atomic
def instruction_register(
    *,
    actor,
    org: Org,
    source: str,
    title: str,
    content: str,
    received_on: date,
    level: str,
    assignments: list[tuple[Org, date]],
) -> Instruction:
    require_admin(actor, org, "您没有在该组织登记督办事项的权限")
    if source not in Instruction.Source.values:
        raise ApplicationError("来源不正确", field="source")
    if level not in Instruction.Level.values:
        raise ApplicationError("等级不正确", field="level")
    if not title.strip() or not content.strip():
        raise ApplicationError("请填写督办事项和内容", field="title")
    if not assignments:
        raise ApplicationError("请至少指定一个承办单位", field="assignments")
    seen = set()
    for unit, deadline in assignments:
        if not unit.path.startswith(org.path):
            raise ApplicationError(f"“{unit.name}”不在本组织范围内", field="assignments")
        if unit.pk in seen:
            raise ApplicationError(f"“{unit.name}”重复指定", field="assignments")
        if deadline < received_on:
            raise ApplicationError(f"“{unit.name}”的反馈时限早于收到日期", field="assignments")
        seen.add(unit.pk)
    instruction = Instruction.objects.create(
        org=org,
        source=source,
        title=title.strip(),
        content=content.strip(),
        received_on=received_on,
        level=level,
    )
    made = Assignment.objects.bulk_create(
        Assignment(instruction=instruction, org=unit, deadline=deadline)
        for unit, deadline in assignments
    )
    audit(
        actor=actor,
        action="supervision.register",
        target=instruction,
        detail=f"承办单位 {len(assignments)} 个",
    )
    events.assignments_made(actor=actor, instruction=instruction, assignments=made)
    return instruction


def _by(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def assignment_answer(*, actor, assignment: Assignment, text: str, on: date, files=()) -> Feedback:
    """The assigned unit answers (each answer is a feedback round), with files if any."""
    locked(assignment)
    if not is_reporter(actor, assignment.org, assignment.instruction.org):
        raise PermissionDenied("只有承办单位可以反馈，督办组织不能代为反馈")
    if assignment.status == Assignment.Status.CLOSED:
        raise ApplicationError("该事项已办结")
    if not text.strip():
        raise ApplicationError("请填写反馈内容", field="text")
    if on < assignment.instruction.received_on:
        raise ApplicationError("反馈日期不能早于收到日期", field="on")
    if on > timezone.localdate():
        raise ApplicationError("反馈日期不能晚于今天", field="on")
    feedback = Feedback.objects.create(
        assignment=assignment, kind=Feedback.Kind.ANSWER, on=on, text=text.strip(), by=_by(actor)
    )
    for upload in files:
        _store_feedback_file(feedback, upload)
    assignment.status = Assignment.Status.ANSWERED
    assignment.first_answered_on = assignment.first_answered_on or on
    assignment.save(update_fields=["status", "first_answered_on"])
    audit(
        actor=actor,
        action="supervision.answer",
        target=assignment.instruction,
        detail=f"{assignment.org.name}：{text.strip()[:100]}"
        + (f"（附件 {len(files)} 个）" if files else ""),
    )
    events.assignment_followed_up(actor=actor, assignment=assignment, feedback=feedback)
    return feedback


def _store_feedback_file(feedback: Feedback, upload) -> FeedbackFile:
    checked = check_upload(
        upload,
        allowed=DOCUMENTS,
        max_mb=20,
        field="files",
        type_message=f"反馈材料只能是 {'、'.join(DOCUMENTS)} 文件",
        size_message="单个文件不能超过 20 MB",
    )
    stored = FeedbackFile(
        feedback=feedback,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=upload.size,
    )
    stored.file.save(checked.stored_name, upload, save=False)
    stored.save()
    return stored


@transaction.atomic
def assignment_remind(*, actor, assignment: Assignment, text: str, on: date) -> Feedback:
    """催办 by the supervising org."""
    locked(assignment)
    require_admin(actor, assignment.instruction.org, "只有督办组织可以催办")
    if assignment.status == Assignment.Status.CLOSED:
        raise ApplicationError("该事项已办结")
    feedback = Feedback.objects.create(
        assignment=assignment,
        kind=Feedback.Kind.REMINDER,
        on=on,
        text=text.strip() or "请抓紧办理并反馈",
        by=_by(actor),
    )
    Assignment.objects.filter(pk=assignment.pk).update(reminders=F("reminders") + 1)
    audit(
        actor=actor,
        action="supervision.remind",
        target=assignment.instruction,
        detail=assignment.org.name,
    )
    events.assignment_followed_up(actor=actor, assignment=assignment, feedback=feedback)
    return feedback


@transaction.atomic
def assignment_close(*, actor, assignment: Assignment, text: str, on: date) -> Assignment:
    locked(assignment)
    require_admin(actor, assignment.instruction.org, "只有督办组织可以办结")
    if assignment.status == Assignment.Status.CLOSED:
        raise ApplicationError("该事项已办结")
    if assignment.status != Assignment.Status.ANSWERED:
        raise ApplicationError(f"“{assignment.org.name}”尚未反馈，不能办结")
    if on < assignment.first_answered_on:
        raise ApplicationError("办结日期不能早于首次反馈日期", field="on")
    closing = Feedback.objects.create(
        assignment=assignment,
        kind=Feedback.Kind.CLOSE,
        on=on,
        text=text.strip() or "办结",
        by=_by(actor),
    )
    assignment.status = Assignment.Status.CLOSED
    assignment.closed_on = on
    assignment.save(update_fields=["status", "closed_on"])
    audit(
        actor=actor,
        action="supervision.close",
        target=assignment.instruction,
        detail=assignment.org.name,
    )
    events.assignment_followed_up(actor=actor, assignment=assignment, feedback=closing)
    return assignment


@dataclass(frozen=True)
class SupervisionStats:
    registered: int
    assignments: int
    answered_on_time: int
    answered_late: int
    overdue: int
    closed: int


def supervision_stats(assignments, today: date, registered: int) -> SupervisionStats:
    """Counts over the given assignments in one aggregate query."""
    row = assignments.aggregate(
        total=Count("id"),
        on_time=Count(
            "id", filter=Q(first_answered_on__isnull=False, first_answered_on__lte=F("deadline"))
        ),
        late=Count("id", filter=Q(first_answered_on__gt=F("deadline"))),
        overdue=Count("id", filter=Q(first_answered_on__isnull=True, deadline__lt=today)),
        closed=Count("id", filter=Q(status=Assignment.Status.CLOSED)),
    )
    return SupervisionStats(
        registered, row["total"], row["on_time"], row["late"], row["overdue"], row["closed"]
    )
