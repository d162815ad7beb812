"""等保's 30-minute idle logout, with the session written at most once a minute instead of on
every request (mofan.core.middleware.SessionRefreshMiddleware)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IDLE_LIMIT = timedelta(minutes=30)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, users, password, clock):
    response = client.post("/accounts/login/", {"username": "secretary", "password": password})
    assert response.status_code == 302  # the login saved the session: expiry 09:30
    return client


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def session_writes(client, url="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_it_does_not_write_the_session_again_within_a_minute(signed_in, clock):
    written = expiry(signed_in)
    assert written == START + IDLE_LIMIT

    assert session_writes(signed_in) == 0  # the first page after the login
    clock.shift(timedelta(seconds=30))
    assert session_writes(signed_in) == 0
    clock.shift(timedelta(seconds=29))
    assert session_writes(signed_in) == 0

    assert expiry(signed_in) == written


def test_it_moves_the_expiry_a_minute_later(signed_in, clock):
    written = expiry(signed_in)

    clock.shift(timedelta(seconds=61))
    assert session_writes(signed_in) == 1

    assert expiry(signed_in) == written + timedelta(seconds=61)
    assert expiry(signed_in) == START + timedelta(seconds=61) + IDLE_LIMIT
    clock.shift(timedelta(seconds=59))
    assert session_writes(signed_in) == 0
    clock.shift(timedelta(seconds=1))
    assert session_writes(signed_in) == 1


def test_it_keeps_a_working_user_signed_in_past_thirty_minutes(signed_in, clock):
    for _ in range(60):  # a page every 40 seconds for 40 minutes
        clock.shift(timedelta(seconds=40))
        assert signed_in.get("/").status_code == 200


def test_it_ends_a_session_idle_for_thirty_minutes(signed_in, clock):
    clock.shift(timedelta(seconds=50))
    assert signed_in.get("/").status_code == 200  # not written: the last write was 50 s ago

    clock.shift(IDLE_LIMIT)
    response = signed_in.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_ends_a_session_idle_for_thirty_minutes_after_its_last_write(signed_in, clock):
    clock.shift(timedelta(minutes=5))
    assert session_writes(signed_in) == 1

    clock.shift(IDLE_LIMIT - timedelta(seconds=1))
    assert signed_in.get("/").status_code == 200
    clock.shift(IDLE_LIMIT + timedelta(seconds=1))  # idle again, 30 minutes and more

    response = signed_in.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_leaves_anonymous_visitors_without_a_session(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
