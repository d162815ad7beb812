"""An account created or reset by an admin must change its password at first login."""

import pytest

from mofan.accounts import services
from mofan.core.access import SYSTEM, Role

INITIAL = "Init#Pass2024"
OWN = "Own#Pass2024"
FIRST = "/accounts/password/?first=1"


@pytest.fixture
def newcomer(users, tree):
    return services.user_create(
        actor=users.unit_admin,
        username="zhangsan",
        name="张三",
        password=INITIAL,
        role=Role.MEMBER,
        org=tree.branch,
    )


def test_it_marks_an_admin_created_account(newcomer):
    assert newcomer.must_change_password


@pytest.mark.parametrize("path", ["/", "/orgs/", "/accounts/me/", "/accounts/users/"])
def test_it_sends_a_new_account_to_the_password_page(client, newcomer, attempt_login, path):
    attempt_login("zhangsan", INITIAL)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == FIRST


def test_it_sends_a_new_account_there_straight_after_login(client, newcomer, attempt_login):
    response = attempt_login("zhangsan", INITIAL)

    assert client.get(response.url).url == FIRST


def test_it_explains_why_on_the_password_page(client, newcomer, attempt_login):
    attempt_login("zhangsan", INITIAL)

    response = client.get(FIRST)

    assert response.status_code == 200
    assert "请先设置自己的新密码" in response.content.decode()


def test_it_lets_a_new_account_log_out(client, newcomer, attempt_login):
    attempt_login("zhangsan", INITIAL)

    response = client.post("/accounts/logout/")

    assert response.url == "/accounts/login/"


def test_it_frees_the_account_once_the_password_is_changed(client, newcomer, attempt_login):
    attempt_login("zhangsan", INITIAL)

    client.post(
        "/accounts/password/",
        {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN},
    )

    assert client.get("/", follow=True).status_code == 200  # a plain member lands on 我的
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password


def test_it_keeps_the_account_held_after_a_refused_change(client, newcomer, attempt_login):
    attempt_login("zhangsan", INITIAL)

    client.post(
        "/accounts/password/",
        {"old_password": INITIAL, "new_password1": "weak", "new_password2": "weak"},
    )

    assert client.get("/").url == FIRST


def test_it_holds_an_account_reset_by_an_admin(client, users, attempt_login):
    services.user_reset_password(actor=users.unit_admin, user=users.member, password=INITIAL)

    attempt_login("member", INITIAL)

    assert client.get("/").url == FIRST


def test_it_does_not_hold_demo_style_accounts(client, users, password, attempt_login):
    attempt_login("secretary", password)

    assert client.get("/").status_code == 200
    assert client.get("/accounts/me/").status_code == 200


def test_it_refuses_the_api_to_a_new_account(client, newcomer):
    _, plain = services.token_create(actor=SYSTEM, user=newcomer, name="脚本")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 403
    assert response.json()["detail"] == "请先登录网页修改初始密码"


def test_it_refuses_the_api_to_a_new_account_by_session(client, newcomer, attempt_login):
    attempt_login("zhangsan", INITIAL)

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert "修改初始密码" in response.json()["detail"]
