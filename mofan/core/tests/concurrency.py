"""Running service calls at the same moment, for the race tests of the apps (issue 9 §4).
PostgreSQL only: SQLite runs one writer at a time, so these races cannot happen there."""

import threading

import pytest
from django.db import connection, connections

from mofan.core.errors import ApplicationError

POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL only"
    ),
]


def at_once(calls) -> list:
    """Run the calls in threads released together; each result, the ApplicationError it raised,
    or any other error (a race that slipped through shows up here as an IntegrityError)."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as exc:  # the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def refusals(results) -> list[str]:
    """The Chinese reasons of the refused calls; any other error (a 500 for the user) fails."""
    others = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ApplicationError)
    ]
    assert not others, others
    return [r.message for r in results if isinstance(r, ApplicationError)]
