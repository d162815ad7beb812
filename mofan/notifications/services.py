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
