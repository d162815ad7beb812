"""The nightly job: expired sessions go, and SQLite gets query-planner statistics."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from mofan.core.housekeeping import clear_expired_sessions, refresh_query_statistics


@pytest.mark.django_db
def test_it_removes_only_expired_sessions():
    now = timezone.now()
    Session.objects.create(
        session_key="old", session_data="", expire_date=now - timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=now + timedelta(minutes=29)
    )
    assert clear_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL collects its own statistics")
def test_it_gives_sqlite_planner_statistics(tree):
    refresh_query_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'orgs_org'")
        assert cursor.fetchone()[0] > 0
