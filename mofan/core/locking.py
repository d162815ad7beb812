"""Check-then-write rules that two requests could interleave (progress never goes down, at
most a third 优秀, an item is closed once): the service locks the row first, so the check sees
what the other request committed and the second request waits for the first."""

import hashlib
from contextlib import contextmanager

from django.db import IntegrityError, models, transaction

from mofan.core.errors import ApplicationError


def locked(instance: models.Model) -> models.Model:
    """Lock the row of `instance` until the transaction ends and reload it from the database.
    Must run inside `transaction.atomic` (the services that call it are)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() needs a transaction")
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
    instance.refresh_from_db()
    return instance


@contextmanager
def refused_if_taken(message: str, *, field: str | None = None):
    """Around the write a unique constraint guards, after the check that gives `message`: when
    a concurrent request wrote the same value between this request's check and its write, the
    constraint's IntegrityError becomes the check's own refusal instead of a 500. No savepoint:
    the transaction is lost either way, and a savepoint per row would slow a roster import."""
    try:
        with transaction.atomic(savepoint=False):
            yield
    except IntegrityError as exc:
        raise ApplicationError(message, field=field) from exc


def locked_value(kind: str, value: str) -> None:
    """Lock a value no row holds yet (a username about to be taken, compared without case) until
    the transaction ends, so that a second request checking the same value waits for the first.
    PostgreSQL: an advisory lock on a hash of the value. SQLite: nothing to do, its IMMEDIATE
    transactions already run one writer at a time."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("locked_value() needs a transaction")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, signed=True)])
