"""等保: a session ends after 30 minutes without activity."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

IDLE_LIMIT = timedelta(minutes=30)


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_it_gives_a_session_thirty_minutes(client, users, password, attempt_login):
    attempt_login("secretary", password)

    left = session_row(client).expire_date - timezone.now()

    assert client.session.get_expiry_age() == IDLE_LIMIT.total_seconds()
    assert IDLE_LIMIT - timedelta(minutes=1) < left <= IDLE_LIMIT


def test_it_gives_thirty_more_minutes_on_each_request(client, users, password, attempt_login):
    attempt_login("secretary", password)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2)
    )

    assert client.get("/").status_code == 200

    left = session_row(client).expire_date - timezone.now()
    assert left > IDLE_LIMIT - timedelta(minutes=1)


def test_it_ends_an_idle_session(client, users, password, attempt_login):
    attempt_login("secretary", password)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_keeps_the_session_cookie_from_scripts(client, users, password, attempt_login):
    response = attempt_login("secretary", password)

    assert response.cookies["sessionid"]["httponly"]


def test_it_ends_the_sessions_of_a_disabled_user(client, users, password, attempt_login):
    attempt_login("secretary", password)
    users.secretary.is_active = False
    users.secretary.save()

    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
