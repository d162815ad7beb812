"""Concurrent writes keep the rules (issue 9 §4): twenty progress reports at once leave the
task at the largest accepted one, and an item is answered and closed once. PostgreSQL only:
SQLite runs one writer at a time, so these races cannot happen there."""

import threading

import pytest
from django.db import connection, connections

from mofan.core.errors import ApplicationError
from mofan.plans import services
from mofan.plans.models import Task

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL only"
    ),
]


def at_once(calls) -> list:
    """Run the calls in threads released together; each result or the error it raised."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except ApplicationError as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_progress_reports_leave_the_largest_accepted(task, users):
    def report(percent):
        def call():
            fresh = Task.objects.get(pk=task.pk)  # each request loads the task itself
            return services.task_report(
                actor=users.unit_admin, task=fresh, text=f"推进到 {percent}%", percent=percent
            )

        return call

    percents = list(range(41, 61))
    results = at_once([report(p) for p in percents])
    accepted = [p for p, r in zip(percents, results, strict=True) if not isinstance(r, Exception)]
    task.refresh_from_db()
    assert accepted, results
    assert task.progress == max(accepted)
    assert task.events.filter(kind="progress").count() == len(accepted)
