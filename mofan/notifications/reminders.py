"""The daily reminder job shared by every module.

A module registers a producer: a function of the date that yields Reminders. The job writes
each (user, key) once; `mofan remind --dry-run` lists what would be written.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from mofan.core.access import SCHEDULED
from mofan.core.audit import audit
from mofan.notifications.models import Notification


@dataclass(frozen=True)
class Reminder:
    user_id: int
    key: str
    title: str
    body: str = ""
    link: str = ""


Producer = Callable[[date], Iterable[Reminder]]
_producers: list[Producer] = []


def register_producer(producer: Producer) -> None:
    if producer not in _producers:
        _producers.append(producer)


def due_reminders(today: date) -> list[Reminder]:
    """Every reminder the producers give for `today` that has not been written yet."""
    reminders = {(r.user_id, r.key): r for producer in _producers for r in producer(today)}
    if not reminders:
        return []
    written = set(
        Notification.objects.filter(key__in={key for _, key in reminders}).values_list(
            "user_id", "key"
        )
    )
    return [r for k, r in reminders.items() if k not in written]


@transaction.atomic
def write_reminders(today: date) -> int:
    pending = due_reminders(today)
    Notification.objects.bulk_create(
        [
            Notification(user_id=r.user_id, key=r.key, title=r.title, body=r.body, link=r.link)
            for r in pending
        ],
        ignore_conflicts=True,
    )
    if pending:
        audit(
            actor=SCHEDULED,
            action="notification.write",
            detail=f"{today:%Y-%m-%d} 写入提醒 {len(pending)} 条",
        )
    return len(pending)
