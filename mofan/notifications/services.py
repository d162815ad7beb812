from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mofan.core.audit import audit
from mofan.notifications.models import Notification

TITLE_LENGTH = Notification._meta.get_field("title").max_length


@dataclass(frozen=True)
class Message:
    """One message to some users. `key` names the event and its object: with the user it is
    unique, so the same event never reaches the same person twice."""

    user_ids: Iterable[int]
    key: str
    title: str
    body: str = ""
    link: str = ""


@transaction.atomic
def notification_mark_read(*, actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    count = unread.update(read_at=timezone.now())
    if count:
        audit(actor=actor, action="notification.read", detail=f"标为已读 {count} 条")
    return count


@transaction.atomic
def notification_send(
    *, actor, user_ids, key: str, title: str, body: str = "", link: str = ""
) -> int:
    """One message to each of these users; `key` keeps a repeated send from writing it twice."""
    message = Message(user_ids=user_ids, key=key, title=title, body=body, link=link)
    return notifications_send(actor=actor, messages=[message])


@transaction.atomic
def notifications_send(*, actor, messages: Iterable[Message]) -> int:
    """Write the messages not written before, in the caller's transaction (rolled back with
    it), with one audit record: a fixed number of queries however many messages and users.

    What was already written is read first, so that the count (and the audit record) tells
    what was sent now; the unique (user, key) constraint still keeps two concurrent sends of
    the same event to one row."""
    wanted = {
        (user_id, message.key): message
        for message in messages
        for user_id in sorted(set(message.user_ids))
    }
    if not wanted:
        return 0
    keys = {key for _, key in wanted}
    users = {user_id for user_id, _ in wanted}
    written_before = set(
        Notification.objects.filter(Q(key__in=keys) & Q(user_id__in=users)).values_list(
            "user_id", "key"
        )
    )
    fresh = [
        Notification(
            user_id=user_id,
            key=key,
            title=message.title[:TITLE_LENGTH],
            body=message.body,
            link=message.link,
        )
        for (user_id, key), message in wanted.items()
        if (user_id, key) not in written_before
    ]
    if not fresh:
        return 0
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    titles = list(dict.fromkeys(n.title for n in fresh))
    named = f"“{titles[0]}”" + (f"等 {len(titles)} 种" if len(titles) > 1 else "")
    audit(actor=actor, action="notification.write", detail=f"发送消息{named} {len(fresh)} 条")
    return len(fresh)
