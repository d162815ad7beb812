"""Check-then-write rules that two requests could interleave (progress never goes down, at
most a third 优秀, an item is closed once): the service locks the row first, so the check sees
what the other request committed and the second request waits for the first."""

from django.db import models, transaction


def locked(instance: models.Model) -> models.Model:
    """Lock the row of `instance` until the transaction ends and reload it from the database.
    Must run inside `transaction.atomic` (the services that call it are)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() needs a transaction")
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
    instance.refresh_from_db()
    return instance
