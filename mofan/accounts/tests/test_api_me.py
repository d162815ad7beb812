"""GET /api/v1/me: who the caller is and what grants they hold."""

from mofan.accounts import services
from mofan.core.access import SYSTEM, Role


def test_it_returns_the_user_and_grants(api, users, tree):
    response = api(users.secretary).get("/api/v1/me")

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == users.secretary.pk
    assert data["username"] == "secretary"
    assert data["name"] == users.secretary.name
    assert data["grants"] == [{"role": "secretary", "org_id": tree.branch.pk}]


def test_it_returns_every_grant(api, users, tree):
    services.grant_create(actor=SYSTEM, user=users.secretary, role=Role.MEMBER, org=tree.far_branch)

    grants = api(users.secretary).get("/api/v1/me").json()["grants"]

    assert sorted((g["role"], g["org_id"]) for g in grants) == sorted(
        [("secretary", tree.branch.pk), ("member", tree.far_branch.pk)]
    )


def test_it_refuses_a_caller_without_credentials(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_it_refuses_a_malformed_authorization_header(client, users):
    _, plain = services.token_create(actor=SYSTEM, user=users.secretary, name="脚本")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=plain)

    assert response.status_code == 401


def test_it_accepts_the_browser_session(login, users):
    response = login(users.leader).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["grants"] == [
        {"role": "leader", "org_id": users.leader.grants.get().org_id}
    ]
