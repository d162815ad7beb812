"""Messages about what happens in plans and supervision, written by the service that makes the
change, in its transaction (rolled back with it), so they appear at once in 消息.

Each goes to the people who act on it and never to the actor:
- a task assigned or split to an org, accepted, returned or cancelled → the owner's recorders;
- a task submitted for acceptance → the assigner's admins;
- a 督办 item assigned, chased (催办) or closed → the 承办单位's recorders;
- an item answered → the supervising org's admins.

The key names the event and its object; with the recipient it is unique, so a retried or
double-clicked write sends one. A transition that can happen again (submitted after being
returned) is keyed by its own timeline event; a 催办 or an answer, which nothing stops being
posted twice, by its day and its text.
"""

import hashlib
from datetime import date

from django.urls import reverse

from mofan.notifications.recipients import admins_of, recorders_of
from mofan.notifications.services import Message, notifications_send
from mofan.plans.models import Assignment, Feedback, Instruction, Task, TaskEvent


def _others(user_ids, actor) -> set[int]:
    return set(user_ids) - {getattr(actor, "pk", None)}


def _task_link(task: Task) -> str:
    return reverse("plans:task", args=[task.pk])


def _assignment_link(assignment: Assignment) -> str:
    url = reverse("plans:instruction", args=[assignment.instruction_id])
    return f"{url}#assignment-{assignment.pk}"


def _digest(on: date, text: str) -> str:
    return f"{on:%Y%m%d}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _short(text: str, length: int = 100) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _send(actor, messages: list[Message]) -> int:
    return notifications_send(actor=actor, messages=[m for m in messages if m.user_ids])


# --- tasks -------------------------------------------------------------------------------------


def task_assigned(*, actor, task: Task) -> int:
    """A task assigned (from a plan or a weekly meeting) or split to its owner org."""
    if task.parent_id is None:
        title = f"新任务：{task.title}"
        body = f"{task.assigner.name}下达给{task.owner_org.name}"
    else:
        title = f"分解任务：{task.title}"
        body = f"{task.assigner.name}分解下达给{task.owner_org.name}"
        body += f"（上级任务：{task.parent.title}）"
    message = Message(
        user_ids=_others(recorders_of([task.owner_org])[task.owner_org.pk], actor),
        key=f"plans:task.assigned:{task.pk}",
        title=title,
        body=f"{body}，完成时限 {task.deadline:%Y-%m-%d}",
        link=_task_link(task),
    )
    return _send(actor, [message])


def task_submitted(*, actor, task: Task, event: TaskEvent) -> int:
    """The owner (or the roll-up of its sub-tasks) submitted the task for acceptance."""
    message = Message(
        user_ids=_others(admins_of([task.assigner])[task.assigner.pk], actor),
        key=f"plans:task.submitted:{event.pk}",
        title=f"任务报请验收：{task.title}",
        body=f"{task.owner_org.name}：{_short(event.text)}",
        link=_task_link(task),
    )
    return _send(actor, [message])


_DECISIONS = {
    TaskEvent.Kind.ACCEPTED: ("accepted", "任务已通过验收：{title}", "{assigner}：{text}"),
    TaskEvent.Kind.RETURNED: ("returned", "任务被退回：{title}", "{assigner}退回：{text}"),
    TaskEvent.Kind.CANCELLED: ("cancelled", "任务已取消：{title}", "{assigner}取消：{text}"),
}


def task_decided(*, actor, task: Task, event: TaskEvent) -> int:
    """The assigner accepted, returned or cancelled the task: its owner is told."""
    code, title, body = _DECISIONS[event.kind]
    names = {"title": task.title, "assigner": task.assigner.name, "text": _short(event.text)}
    message = Message(
        user_ids=_others(recorders_of([task.owner_org])[task.owner_org.pk], actor),
        key=f"plans:task.{code}:{event.pk}",
        title=title.format(**names),
        body=body.format(**names),
        link=_task_link(task),
    )
    return _send(actor, [message])


# --- supervision -------------------------------------------------------------------------------


def assignments_made(*, actor, instruction: Instruction, assignments: list[Assignment]) -> int:
    """A 督办 item assigned to its 承办单位 (all of them in one go)."""
    recipients = recorders_of(a.org for a in assignments)
    messages = [
        Message(
            user_ids=_others(recipients[a.org.pk], actor),
            key=f"plans:supervision.assigned:{a.pk}",
            title=f"督办事项：{instruction.title}",
            body=f"{instruction.org.name}交{a.org.name}承办，请于 {a.deadline:%Y-%m-%d} 前反馈",
            link=_assignment_link(a),
        )
        for a in assignments
    ]
    return _send(actor, messages)


def assignment_followed_up(*, actor, assignment: Assignment, feedback: Feedback) -> int:
    """An answer goes to the supervising org; a 催办 and the 办结 to the 承办单位."""
    instruction, unit = assignment.instruction, assignment.org
    said = _digest(feedback.on, feedback.text)
    if feedback.kind == Feedback.Kind.ANSWER:
        user_ids = admins_of([instruction.org])[instruction.org.pk]
        key = f"answered:{assignment.pk}:{said}"
        title, body = (
            f"督办事项已反馈：{instruction.title}",
            f"{unit.name}：{_short(feedback.text)}",
        )
    elif feedback.kind == Feedback.Kind.REMINDER:
        user_ids = recorders_of([unit])[unit.pk]
        key = f"reminded:{assignment.pk}:{said}"
        title = f"督办事项催办：{instruction.title}"
        body = f"{instruction.org.name}催办：{_short(feedback.text)}"
        body += f"（反馈时限 {assignment.deadline:%Y-%m-%d}）"
    else:
        user_ids = recorders_of([unit])[unit.pk]
        key = f"closed:{assignment.pk}"
        title = f"督办事项已办结：{instruction.title}"
        body = f"{instruction.org.name}：{_short(feedback.text)}"
    message = Message(
        user_ids=_others(user_ids, actor),
        key=f"plans:supervision.{key}",
        title=title,
        body=body,
        link=_assignment_link(assignment),
    )
    return _send(actor, [message])
