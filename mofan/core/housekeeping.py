from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone


def clear_expired_sessions() -> int:
    """Sessions past their 30-minute idle expiry are removed from the database."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def refresh_query_statistics() -> None:
    """Give SQLite's query planner statistics (PostgreSQL's autovacuum collects its own).

    Without them SQLite guesses that a status filter matches a handful of rows and reads a
    whole table for a member list page (see docs/PERFORMANCE.md)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
