"""等保: 5 failed logins in a row lock the account for 15 minutes; an admin can unlock."""

from datetime import timedelta

from axes.models import AccessAttempt

WRONG = "Wrong@Pass1"
# The login page always warns that accounts get locked; this is the sentence of an actual lock.
LOCKED = "连续 5 次登录失败，账号已被锁定 15 分钟"


def fail(attempt_login, username, times, **extra):
    for _ in range(times):
        response = attempt_login(username, WRONG, **extra)
    return response


def age_attempts(minutes):
    """Pretend the failed attempts happened `minutes` ago."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save()


def test_it_locks_the_account_after_five_failures(client, users, password, attempt_login):
    fail(attempt_login, "secretary", 5)

    response = attempt_login("secretary", password)

    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_tells_the_user_on_the_fifth_failure(users, attempt_login):
    response = fail(attempt_login, "secretary", 5)

    assert LOCKED in response.content.decode()


def test_it_does_not_lock_after_four_failures(client, users, password, attempt_login):
    fourth = fail(attempt_login, "secretary", 4)

    response = attempt_login("secretary", password)

    assert LOCKED not in fourth.content.decode()
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users.secretary.pk)


def test_it_counts_only_failures_in_a_row(client, users, password, attempt_login):
    fail(attempt_login, "secretary", 4)
    attempt_login("secretary", password)
    client.post("/accounts/logout/")
    fourth = fail(attempt_login, "secretary", 4)

    response = attempt_login("secretary", password)

    assert LOCKED not in fourth.content.decode()
    assert response.status_code == 302


def test_it_records_the_lockout(users, attempt_login, audit_records):
    fail(attempt_login, "secretary", 5)

    assert audit_records("login.lockout", username="secretary").exists()
    assert audit_records("login.failure", username="secretary").count() == 5


def test_it_locks_the_account_whatever_address_the_attempts_come_from(
    users, password, attempt_login
):
    fail(attempt_login, "secretary", 3, REMOTE_ADDR="10.0.0.1")
    fail(attempt_login, "secretary", 2, REMOTE_ADDR="10.0.0.2")

    response = attempt_login("secretary", password, REMOTE_ADDR="10.0.0.3")

    assert response.status_code == 403
    assert LOCKED in response.content.decode()


def test_it_locks_only_that_account(client, users, password, attempt_login):
    fail(attempt_login, "secretary", 5)

    response = attempt_login("member", password)

    assert response.status_code == 302


def test_it_stays_locked_during_the_cool_off(users, password, attempt_login):
    fail(attempt_login, "secretary", 5)
    age_attempts(14)

    response = attempt_login("secretary", password)

    assert response.status_code == 403
    assert LOCKED in response.content.decode()


def test_it_unlocks_after_fifteen_minutes(client, users, password, attempt_login):
    fail(attempt_login, "secretary", 5)
    age_attempts(16)

    response = attempt_login("secretary", password)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users.secretary.pk)


def test_it_shows_the_lock_to_the_admin(login, users, attempt_login):
    fail(attempt_login, "secretary", 5)
    client = login(users.unit_admin)

    detail = client.get(f"/accounts/users/{users.secretary.pk}/").content.decode()
    listing = client.get("/accounts/users/").content.decode()

    assert "已锁定" in detail
    assert f"/accounts/users/{users.secretary.pk}/unlock/" in detail
    assert "已锁定" in listing


def test_it_shows_the_lock_when_failures_came_from_several_addresses(login, users, attempt_login):
    fail(attempt_login, "secretary", 3, REMOTE_ADDR="10.0.0.1")
    fail(attempt_login, "secretary", 2, REMOTE_ADDR="10.0.0.2")
    client = login(users.unit_admin)

    detail = client.get(f"/accounts/users/{users.secretary.pk}/").content.decode()
    listing = client.get("/accounts/users/").content.decode()

    assert "已锁定" in detail
    assert "已锁定" in listing


def test_it_does_not_show_an_expired_lock(login, users, attempt_login):
    fail(attempt_login, "secretary", 5)
    age_attempts(16)

    detail = login(users.unit_admin).get(f"/accounts/users/{users.secretary.pk}/")

    assert "已锁定" not in detail.content.decode()


def test_it_lets_an_admin_unlock(client, users, password, attempt_login, audit_records):
    fail(attempt_login, "secretary", 5)
    client.force_login(users.unit_admin)

    response = client.post(f"/accounts/users/{users.secretary.pk}/unlock/")

    assert response.status_code == 302
    assert response.url == f"/accounts/users/{users.secretary.pk}/"
    assert audit_records("user.unlock", user=users.unit_admin).exists()
    client.post("/accounts/logout/")
    assert attempt_login("secretary", password).status_code == 302
    assert client.session["_auth_user_id"] == str(users.secretary.pk)


def test_it_refuses_unlock_by_an_admin_of_another_subtree(
    client, users, far_admin, password, attempt_login
):
    fail(attempt_login, "secretary", 5)
    client.force_login(far_admin)

    response = client.post(f"/accounts/users/{users.secretary.pk}/unlock/")

    assert response.status_code == 404
    client.post("/accounts/logout/")
    assert attempt_login("secretary", password).status_code == 403


def test_it_refuses_unlock_by_a_secretary(client, users, password, attempt_login):
    fail(attempt_login, "member", 5)
    client.force_login(users.secretary)

    response = client.post(f"/accounts/users/{users.member.pk}/unlock/")

    assert response.status_code == 403
    client.post("/accounts/logout/")
    assert attempt_login("member", password).status_code == 403


def test_it_refuses_unlock_by_get(login, users):
    response = login(users.unit_admin).get(f"/accounts/users/{users.secretary.pk}/unlock/")

    assert response.status_code == 405
