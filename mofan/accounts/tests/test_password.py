"""等保 password policy: 8+ characters, 3 of 4 classes, not the username."""

import pytest

from mofan.accounts import services
from mofan.core.errors import ApplicationError

TOO_SIMPLE = "密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少 3 种。"
CONTAINS_USERNAME = "密码不能包含用户名。"
GOOD = "New#Pass2024"

WEAK_PASSWORDS = [
    ("Ab1@xyz", TOO_SIMPLE),  # 7 characters
    ("abcdefgh1", TOO_SIMPLE),  # lower + digits only
    ("ABCDEFGH!", TOO_SIMPLE),  # upper + symbols only
    ("abcd!@#$", TOO_SIMPLE),  # lower + symbols only
    ("Secretary@1", CONTAINS_USERNAME),  # the username, any case
]


def change(client, old, new, again=None):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.mark.parametrize("weak, message", WEAK_PASSWORDS)
def test_it_refuses_a_weak_password_on_the_page(login, users, password, weak, message):
    client = login(users.secretary)

    response = change(client, password, weak)

    assert response.status_code == 200
    assert message in response.content.decode()
    users.secretary.refresh_from_db()
    assert users.secretary.check_password(password)


@pytest.mark.parametrize("weak, message", WEAK_PASSWORDS)
def test_it_refuses_a_weak_password_in_the_service(users, password, weak, message):
    with pytest.raises(ApplicationError) as caught:
        services.user_change_own_password(
            user=users.secretary, old_password=password, new_password=weak
        )

    assert message in caught.value.message


def test_it_refuses_a_common_password(users, password):
    with pytest.raises(ApplicationError) as caught:
        services.user_change_own_password(
            user=users.secretary, old_password=password, new_password="P@ssw0rd"
        )

    assert "常见" in caught.value.message


def test_it_accepts_a_good_password_in_the_service(users, password, audit_records):
    services.user_change_own_password(
        user=users.secretary, old_password=password, new_password=GOOD
    )

    users.secretary.refresh_from_db()
    assert users.secretary.check_password(GOOD)
    assert audit_records("user.password_change", user=users.secretary).exists()


def test_it_changes_the_password_on_the_page(client, users, password, attempt_login, audit_records):
    attempt_login("secretary", password)

    response = change(client, password, GOOD)

    assert response.status_code == 302
    assert response.url == "/"
    # Still logged in after the change.
    assert client.get("/accounts/me/").status_code == 200
    assert audit_records("user.password_change", user=users.secretary).exists()
    client.post("/accounts/logout/")
    assert attempt_login("secretary", password).status_code == 200
    assert attempt_login("secretary", GOOD).status_code == 302


def test_it_refuses_a_wrong_old_password(login, users):
    response = change(login(users.secretary), "Not@MyPass1", GOOD)

    assert "原密码不正确" in response.content.decode()
    users.secretary.refresh_from_db()
    assert not users.secretary.check_password(GOOD)


def test_it_refuses_two_different_new_passwords(login, users, password):
    response = change(login(users.secretary), password, GOOD, again="Other#Pass2024")

    assert "两次输入的新密码不一致" in response.content.decode()
    users.secretary.refresh_from_db()
    assert users.secretary.check_password(password)


def test_it_refuses_the_same_password_again(login, users, password):
    response = change(login(users.secretary), password, password)

    assert "新密码不能与原密码相同" in response.content.decode()


def test_it_shows_the_policy_on_the_page(login, users):
    response = login(users.secretary).get("/accounts/password/")

    assert TOO_SIMPLE in response.content.decode()


def test_it_refuses_a_weak_password_when_an_admin_creates_a_user(users, tree):
    with pytest.raises(ApplicationError) as caught:
        services.user_create(
            actor=users.unit_admin,
            username="zhangsan",
            name="张三",
            password="zhangsan123",
            role="member",
            org=tree.branch,
        )

    assert caught.value.field == "password"


def test_it_refuses_a_weak_password_when_an_admin_resets_one(users):
    with pytest.raises(ApplicationError):
        services.user_reset_password(actor=users.unit_admin, user=users.member, password="short")

    users.member.refresh_from_db()
    assert not users.member.must_change_password
