"""Messages about transfers of 组织关系, written by the service in its transaction (rolled back
with it), so the branch that must act sees them at once in 消息:
- a transfer sent to a branch → the receiving branch's recorders (secretary and admins);
- a transfer accepted or returned → the sending branch's recorders.
Never to the actor; once per transfer and event (the key names both)."""

from django.urls import reverse

from mofan.members.models import Transfer
from mofan.notifications.recipients import recorders_of
from mofan.notifications.services import Message, notifications_send


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
