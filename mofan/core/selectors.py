from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.models import AuditLog


def audit_list(
    *,
    actor,
    username: str = "",
    action: str = "",
    target: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditLog]:
    """Audit records the actor may read: all for a committee admin; for a unit admin, those
    written by users whose grants lie in the admin's sub-tree."""
    scope = scope_of(actor)
    records = AuditLog.objects.select_related("user")
    if not scope.is_committee_admin:
        managed = get_user_model().objects.filter(
            scope.paths_q(scope.admin_paths, "grants__org__path")
        )
        records = records.filter(user__in=managed.values("pk"))
    if username:
        records = records.filter(username__icontains=username.strip())
    if action:
        records = records.filter(action__startswith=action.strip())
    if target:
        records = records.filter(target_repr__icontains=target.strip())
    if since:
        records = records.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        records = records.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return records
