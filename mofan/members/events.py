"""Messages about transfers of 组织关系, written by the service in its transaction (rolled back
with it), so the branch that must act sees them at once in 消息:
- a transfer sent to a branch → the receiving branch's recorders (secretary and admins);
- a transfer accepted or returned → the sending branch's recorders.
Never to the actor; once per transfer and event (the key names both).

And the daily reminder of development (发展党员): a candidate's next step whose time limit
(谈话 within a month of the application, the half-yearly review of an activist, the upper
committee's approval within three months) is due within DEVELOPMENT_DUE_DAYS days or already
past → the branch's recorders, once per candidate and step (a repeated review once per review).
"""

from datetime import date, timedelta

from django.urls import reverse

from mofan.members.models import Candidate, Transfer
from mofan.notifications.recipients import recorders_of
from mofan.notifications.reminders import Reminder, register_producer
from mofan.notifications.services import Message, notifications_send

DEVELOPMENT_DUE_DAYS = 7


def _transfers_link(status: str) -> str:
    return f"{reverse('members:transfers')}?status={status}"


def _send(actor, message: Message) -> int:
    user_ids = set(message.user_ids) - {getattr(actor, "pk", None)}
    if not user_ids:
        return 0
    kept = Message(
        user_ids=user_ids,
        key=message.key,
        title=message.title,
        body=message.body,
        link=message.link,
    )
    return notifications_send(actor=actor, messages=[kept])


def transfer_sent(*, actor, transfer: Transfer) -> int:
    to_org = transfer.to_org
    return _send(
        actor,
        Message(
            user_ids=recorders_of([to_org])[to_org.pk],
            key=f"members:transfer.sent:{transfer.pk}",
            title=f"组织关系转入待接收：{transfer.member.name}",
            body=(
                f"{transfer.from_org.name}转入{to_org.name}，介绍信 {transfer.letter_number}，"
                f"{transfer.sent_on:%Y-%m-%d} 转出"
            ),
            link=_transfers_link(transfer.status),
        ),
    )


def transfer_answered(*, actor, transfer: Transfer) -> int:
    from_org = transfer.from_org
    accepted = transfer.status == Transfer.Status.ACCEPTED
    verb = "已接收" if accepted else "被退回"
    body = f"{transfer.to_org.name}{verb}，介绍信 {transfer.letter_number}"
    if not accepted and transfer.note:
        body += f"：{transfer.note}"
    return _send(
        actor,
        Message(
            user_ids=recorders_of([from_org])[from_org.pk],
            key=f"members:transfer.{transfer.status}:{transfer.pk}",
            title=f"组织关系转接{verb}：{transfer.member.name}",
            body=body,
            link=_transfers_link(transfer.status),
        ),
    )


# --- development steps due ----------------------------------------------------------------------


def development_steps_due(today: date):
    """Reminders of the development steps due within DEVELOPMENT_DUE_DAYS days or overdue."""
    from mofan.members.development import LAST_STEP, REVIEW_STEP, STEPS, pipeline

    # Only these last steps start a time limit (see development.pipeline_row).
    timed = [1, REVIEW_STEP, 15, 16]
    candidates = list(
        Candidate.objects.filter(
            stopped_on__isnull=True, last_step__lt=LAST_STEP, last_step__in=timed
        )
        .select_related("org")
        .prefetch_related("steps")
    )
    horizon = today + timedelta(days=DEVELOPMENT_DUE_DAYS)
    rows = [r for r in pipeline(candidates) if r.due is not None and r.due <= horizon]
    recipients = recorders_of({r.candidate.org for r in rows})
    for row in rows:
        candidate = row.candidate
        if candidate.last_step == REVIEW_STEP:
            reviews = sum(1 for s in candidate.steps.all() if s.number == REVIEW_STEP)
            key, step = f"development-{candidate.pk}-review-{reviews + 1}", STEPS[REVIEW_STEP]
        else:
            key, step = f"development-{candidate.pk}-step-{row.next_step}", row.next_name
        if row.due < today:
            when = f"已逾期 {(today - row.due).days} 天"
        else:
            when = f"应于 {row.due:%Y-%m-%d} 前办理"
        for user_id in recipients[candidate.org.pk]:
            yield Reminder(
                user_id,
                key,
                f"发展党员“{candidate.name}”的“{step}”{when}",
                f"所在支部：{candidate.org.name}",
                reverse("members:candidate", args=[candidate.pk]),
            )


# Registered on import (this module is loaded with the app, through lifecycle) rather than in
# apps.ready, like the facts modules.
register_producer(development_steps_due)
