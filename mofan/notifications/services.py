from django.db import transaction
from django.utils import timezone

from mofan.core.audit import audit
from mofan.notifications.models import Notification


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
    notifications = [
        Notification(user_id=user_id, key=key, title=title, body=body, link=link)
        for user_id in sorted(set(user_ids))
    ]
    written = Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    if written:
        audit(
            actor=actor, action="notification.write", detail=f"发送消息“{title}” {len(written)} 条"
        )
    return len(written)
