"""Personal API tokens: created on the user's page, shown once, stored hashed, revocable."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from mofan.accounts import services
from mofan.accounts.models import ApiToken
from mofan.core.access import SYSTEM


def create_on_page(client, name="数据对接"):
    response = client.post("/accounts/me/tokens/new/", {"name": name})
    assert response.status_code == 302
    assert response.url == "/accounts/me/"
    return response


def shown_token(client):
    """The plain token on the next page of /accounts/me/."""
    body = client.get("/accounts/me/").content.decode()
    start = body.index('id="new-token">') + len('id="new-token">')
    return body[start : body.index("</p>", start)]


def test_it_shows_a_new_token_once(login, users):
    client = login(users.secretary)
    create_on_page(client)

    plain = shown_token(client)
    reload = client.get("/accounts/me/").content.decode()

    assert plain.startswith("mf_")
    assert plain not in reload
    assert 'id="new-token"' not in reload


def test_it_stores_only_the_sha256_of_a_token(login, users):
    client = login(users.secretary)
    create_on_page(client)
    plain = shown_token(client)

    token = ApiToken.objects.get(user=users.secretary)

    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert not any(plain in value for value in stored)


def test_it_lists_the_users_tokens_by_name_and_prefix(login, users):
    client = login(users.secretary)
    create_on_page(client, name="党建大屏")
    plain = shown_token(client)

    body = client.get("/accounts/me/").content.decode()

    assert "党建大屏" in body
    assert plain[:10] in body


def test_it_does_not_list_another_users_tokens(login, users):
    services.token_create(actor=SYSTEM, user=users.member, name="别人的令牌")

    body = login(users.secretary).get("/accounts/me/").content.decode()

    assert "别人的令牌" not in body


def test_it_records_token_creation(login, users, audit_records):
    create_on_page(login(users.secretary))

    token = ApiToken.objects.get(user=users.secretary)
    assert audit_records("token.create", user=users.secretary, target_id=str(token.pk)).exists()


def test_it_accepts_the_token_as_bearer(client, login, users):
    create_on_page(login(users.secretary))
    plain = shown_token(client)
    client.logout()

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 200
    assert response.json()["username"] == "secretary"


def test_it_records_when_a_token_was_last_used(client, users):
    token, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_revokes_a_token(client, login, users, audit_records):
    token, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    login(users.secretary)

    response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    assert audit_records("token.revoke", user=users.secretary).exists()
    assert "已吊销" in client.get("/accounts/me/").content.decode()
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_it_hides_another_users_token_from_revoking(client, login, users, audit_records):
    token, plain = services.token_create(actor=SYSTEM, user=users.member, name="脚本")
    login(users.unit_admin)

    response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.is_active
    assert not audit_records("token.revoke").exists()
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200


def test_it_refuses_token_revoking_by_get(login, users):
    token, _ = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    response = login(users.secretary).get(f"/accounts/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.is_active


def test_it_refuses_an_unknown_token(client, users):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mf_not-a-real-token")

    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_it_refuses_the_token_of_a_disabled_user(client, users):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")
    services.user_set_active(actor=users.unit_admin, user=users.secretary, active=False)

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 401


def test_it_refuses_to_create_a_token_for_someone_else(users):
    with pytest.raises(PermissionDenied):
        services.token_create(actor=users.committee_admin, user=users.member, name="代建")

    assert not ApiToken.objects.filter(user=users.member).exists()


def test_it_refuses_to_revoke_someone_elses_token(users):
    token, _ = services.token_create(actor=SYSTEM, user=users.member, name="脚本")

    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=users.committee_admin, token=token)

    token.refresh_from_db()
    assert token.is_active


def test_it_sends_anonymous_token_creation_to_login(client, users):
    response = client.post("/accounts/me/tokens/new/", {"name": "x"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not ApiToken.objects.exists()
