"""Issue 9 §5: tokens expire (MOFAN_TOKEN_DAYS, 180 by default), stop working for locked or
disabled users, and die when an admin resets the password or disables the account."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command

from mofan.accounts import services
from mofan.accounts.models import ApiToken
from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "Reset@Pass2026"


def bearer(client, plain):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_token_lasts_180_days_by_default(users):
    with time_machine.travel(START, tick=False):
        token, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    assert token.expires_at == START + timedelta(days=180)


def test_a_token_lasts_the_setting_mofan_token_days(users, settings):
    settings.MOFAN_TOKEN_DAYS = 30
    with time_machine.travel(START, tick=False):
        token, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    assert token.expires_at == START + timedelta(days=30)


def test_a_token_lasts_the_days_asked_for(users):
    with time_machine.travel(START, tick=False):
        token, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=7)

    assert token.expires_at == START + timedelta(days=7)


@pytest.mark.parametrize("days", [0, -1, 3651, "30", 1.5, True])
def test_it_refuses_days_out_of_range(users, days):
    with pytest.raises(ApplicationError, match="有效天数须为 1 至 3650"):
        services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=days)

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [1, 3650])
def test_it_accepts_the_bounds_of_days(users, days):
    token, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=days)

    assert token.is_active


def test_it_refuses_an_expired_token_like_an_unknown_one(client, users):
    with time_machine.travel(START, tick=False) as traveller:
        _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=10)
        traveller.move_to(START + timedelta(days=10) - timedelta(seconds=1))
        assert bearer(client, plain).status_code == 200

        traveller.move_to(START + timedelta(days=10))
        response = bearer(client, plain)

    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_it_refuses_the_token_of_an_inactive_user(client, users):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    users.secretary.is_active = False
    users.secretary.save(update_fields=["is_active"])

    assert bearer(client, plain).status_code == 401


def test_it_refuses_the_token_of_a_locked_out_user(client, users, attempt_login):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    for _ in range(5):
        attempt_login("secretary", "Wrong@Pass1")
    assert AccessAttempt.objects.filter(username="secretary").exists()

    response = bearer(client, plain)

    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_it_accepts_the_token_again_once_the_lock_is_lifted(client, users, attempt_login):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    for _ in range(5):
        attempt_login("secretary", "Wrong@Pass1")

    services.user_unlock(actor=users.unit_admin, user=users.secretary)

    assert bearer(client, plain).status_code == 200


def test_it_accepts_the_token_after_fewer_failures_than_the_limit(client, users, attempt_login):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    for _ in range(4):
        attempt_login("secretary", "Wrong@Pass1")

    assert bearer(client, plain).status_code == 200


def test_a_password_reset_revokes_the_users_live_tokens(client, users, audit_records):
    token, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    services.user_reset_password(
        actor=users.unit_admin, user=users.secretary, password=NEW_PASSWORD
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(client, plain).status_code == 401
    entry = audit_records("user.password_reset", target_id=str(users.secretary.pk)).get()
    assert "吊销有效令牌 1 个" in entry.detail and token.prefix in entry.detail


def test_a_password_reset_on_the_page_revokes_tokens(client, login, users):
    token, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    login(users.unit_admin).post(
        f"/accounts/users/{users.secretary.pk}/reset-password/",
        {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    users.secretary.refresh_from_db()
    assert users.secretary.check_password(NEW_PASSWORD)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_password_reset_leaves_other_users_tokens(users):
    token, _ = services.token_create(actor=SYSTEM, user=users.member, name="脚本")

    services.user_reset_password(
        actor=users.unit_admin, user=users.secretary, password=NEW_PASSWORD
    )

    token.refresh_from_db()
    assert token.is_active


def test_a_password_reset_without_tokens_says_nothing_of_them(users, audit_records):
    services.user_reset_password(
        actor=users.unit_admin, user=users.secretary, password=NEW_PASSWORD
    )

    entry = audit_records("user.password_reset", target_id=str(users.secretary.pk)).get()
    assert "令牌" not in entry.detail


def test_disabling_a_user_revokes_their_tokens_for_good(client, users, audit_records):
    token, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    services.user_set_active(actor=users.unit_admin, user=users.secretary, active=False)
    services.user_set_active(actor=users.unit_admin, user=users.secretary, active=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(client, plain).status_code == 401
    entry = audit_records("user.disable", target_id=str(users.secretary.pk)).get()
    assert "吊销有效令牌 1 个" in entry.detail


def test_disabling_a_member_who_left_revokes_their_tokens(users, tree, audit_records):
    token, _ = services.token_create(actor=SYSTEM, user=users.member, name="脚本")

    services.member_user_disable(
        actor=users.secretary, user=users.member, branch=tree.branch, reason="转出"
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = audit_records("user.disable", target_id=str(users.member.pk)).get()
    assert "转出" in entry.detail and "吊销有效令牌 1 个" in entry.detail


def test_revoking_on_reset_leaves_expired_and_revoked_tokens_as_they_were(users, audit_records):
    with time_machine.travel(START, tick=False) as traveller:
        expired, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="旧", days=1)
        revoked, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="弃")
        services.token_revoke(actor=SYSTEM, token=revoked)
        live, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="新")
        traveller.move_to(START + timedelta(days=2))

        services.user_reset_password(
            actor=users.unit_admin, user=users.secretary, password=NEW_PASSWORD
        )

    expired.refresh_from_db()
    live.refresh_from_db()
    assert expired.revoked_at is None
    assert live.revoked_at == START + timedelta(days=2)
    entry = audit_records("user.password_reset", target_id=str(users.secretary.pk)).get()
    assert "吊销有效令牌 1 个" in entry.detail


def test_the_page_shows_each_tokens_expiry(login, users):
    with time_machine.travel(START, tick=False):
        services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=30)
        body = login(users.secretary).get("/accounts/me/").content.decode()

    assert "有效期至 2026-04-01" in body
    assert "已过期" not in body


def test_the_page_marks_expired_tokens(login, users):
    with time_machine.travel(START, tick=False) as traveller:
        services.token_create(actor=SYSTEM, user=users.secretary, name="脚本", days=1)
        traveller.move_to(START + timedelta(days=3))
        body = login(users.secretary).get("/accounts/me/").content.decode()

    assert "有效期至 2026-03-03" in body
    assert "已过期" in body


def run(*args):
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_the_command_takes_days(users):
    with time_machine.travel(START, tick=False):
        output = run("create", "secretary", "--days", "7")

    token = ApiToken.objects.get(user=users.secretary)
    assert token.expires_at == START + timedelta(days=7)
    assert "有效期至 2026-03-09" in output


def test_the_command_defaults_to_the_setting(users):
    with time_machine.travel(START, tick=False):
        run("create", "secretary")

    assert ApiToken.objects.get(user=users.secretary).expires_at == START + timedelta(days=180)


@pytest.mark.parametrize("days", ["0", "3651"])
def test_the_command_refuses_bad_days(users, days):
    with pytest.raises(CommandError, match="有效天数须为 1 至 3650"):
        run("create", "secretary", "--days", days)

    assert not ApiToken.objects.exists()
