"""Audit records, written in the same transaction as the change they describe."""

from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models
from django.db.models.fields.files import FieldFile

from mofan.core.access import is_system
from mofan.core.middleware import current_ip
from mofan.core.models import AuditLog

SYSTEM_USERNAME = "系统"


def _plain(value):
    """A stored value as JSON can hold it (the audit diff is a JSON field)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The values of `fields`, ready to compare and to store as JSON."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Changed fields as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
    detail: str = "",
    username: str = "",
    ip: str | None = None,
) -> AuditLog:
    if actor is None:
        raise TypeError("audit() needs an actor: a user, or a SystemActor for the platform itself")
    user = actor if getattr(actor, "pk", None) else None
    if is_system(actor):
        username = username or actor.username
    entry = AuditLog(
        user=user,
        username=user.username if user else (username or SYSTEM_USERNAME),
        ip=current_ip() if ip is None else ip,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {},
        detail=detail,
    )
    entry.save()
    return entry
