"""User management pages: create, disable, enable, reset password (grants: test_grants.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.core.access import SYSTEM, Role
from mofan.site.tests.factories import make_user

NEW_PASSWORD = "Init#Pass2024"


def new_user_form(tree, **fields):
    return {
        "username": "zhangsan",
        "name": "张三",
        "password": NEW_PASSWORD,
        "role": Role.MEMBER,
        "org": tree.branch.pk,
        **fields,
    }


# The list


def test_it_lists_the_users_in_the_admins_subtree(login, users):
    response = login(users.unit_admin).get("/accounts/users/")

    body = response.content.decode()
    assert response.status_code == 200
    for name in ["secretary", "outsider", "member", "unitadmin"]:
        assert f">{name}</a>" in body
    for name in ["gwadmin", "leader"]:
        assert f">{name}</a>" not in body


def test_it_lists_every_user_for_the_committee_admin(login, users, far_admin):
    body = login(users.committee_admin).get("/accounts/users/").content.decode()

    for name in ["secretary", "gwadmin", "leader", "faradmin"]:
        assert f">{name}</a>" in body


def test_it_hides_the_users_of_another_subtree(login, users, far_admin):
    body = login(far_admin).get("/accounts/users/").content.decode()

    assert ">faradmin</a>" in body
    assert ">secretary</a>" not in body


def test_it_searches_users_by_name(login, users):
    body = login(users.unit_admin).get("/accounts/users/?q=outs").content.decode()

    assert ">outsider</a>" in body
    assert ">member</a>" not in body


def test_it_filters_users_by_role(login, users):
    body = login(users.unit_admin).get("/accounts/users/?role=member").content.decode()

    assert ">member</a>" in body
    assert ">secretary</a>" not in body


def test_it_hides_disabled_users_unless_asked(login, users):
    users.member.is_active = False
    users.member.save()
    client = login(users.unit_admin)

    assert ">member</a>" not in client.get("/accounts/users/").content.decode()
    assert ">member</a>" in client.get("/accounts/users/?inactive=on").content.decode()


@pytest.mark.parametrize("role", ["secretary", "member", "leader"])
def test_it_refuses_the_list_to_non_admins(login, users, role):
    response = login(getattr(users, role)).get("/accounts/users/")

    assert response.status_code == 403


def test_it_lists_many_users_in_a_fixed_number_of_queries(login, users, tree):
    client = login(users.committee_admin)
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/users/")
    for _ in range(60):
        make_user(Role.MEMBER, tree.group)

    with CaptureQueriesContext(connection) as many:
        response = client.get("/accounts/users/")

    assert response.status_code == 200
    assert "?page=2" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# Create


def test_it_shows_the_create_form_with_the_admins_orgs(login, users):
    response = login(users.unit_admin).get("/accounts/users/new/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "发改委第一党支部" in body
    assert "民政局第一党支部" not in body


def test_it_creates_a_user(login, users, tree, audit_records):
    response = login(users.unit_admin).post("/accounts/users/new/", new_user_form(tree))

    user = User.objects.get(username="zhangsan")
    assert response.status_code == 302
    assert response.url == f"/accounts/users/{user.pk}/"
    assert user.name == "张三"
    assert user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    assert list(user.grants.values_list("role", "org")) == [(Role.MEMBER, tree.branch.pk)]
    assert audit_records("user.create", user=users.unit_admin, target_id=str(user.pk)).exists()
    assert audit_records("grant.create", user=users.unit_admin, target_id=str(user.pk)).exists()


def test_it_keeps_the_typed_values_after_a_weak_password(login, users, tree):
    response = login(users.unit_admin).post(
        "/accounts/users/new/", new_user_form(tree, password="abc12345")
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "至少 3 种" in body
    assert 'value="zhangsan"' in body
    assert 'value="张三"' in body
    assert not User.objects.filter(username="zhangsan").exists()


def test_it_refuses_a_taken_username_whatever_its_case(login, users, tree):
    response = login(users.unit_admin).post(
        "/accounts/users/new/", new_user_form(tree, username="Member")
    )

    assert "已被使用" in response.content.decode()
    assert User.objects.filter(username__iexact="member").count() == 1


def test_it_refuses_to_create_a_user_outside_the_admins_subtree(login, far_admin, tree):
    response = login(far_admin).post("/accounts/users/new/", new_user_form(tree))

    assert response.status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()


def test_it_refuses_to_create_a_user_above_the_admins_role(login, users, tree):
    response = login(users.unit_admin).post(
        "/accounts/users/new/", new_user_form(tree, role=Role.COMMITTEE_ADMIN)
    )

    assert response.status_code == 403
    assert not User.objects.filter(username="zhangsan").exists()


def test_it_refuses_the_create_page_to_a_secretary(login, users, tree):
    client = login(users.secretary)

    assert client.get("/accounts/users/new/").status_code == 403
    assert client.post("/accounts/users/new/", new_user_form(tree)).status_code == 403
    assert not User.objects.filter(username="zhangsan").exists()


# Detail


def test_it_shows_a_user(login, users):
    response = login(users.unit_admin).get(f"/accounts/users/{users.secretary.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "支部书记" in body
    assert "发改委第一党支部" in body


def test_it_hides_a_user_from_an_admin_of_another_subtree(login, users, far_admin):
    response = login(far_admin).get(f"/accounts/users/{users.secretary.pk}/")

    assert response.status_code == 404


def test_it_hides_the_committee_admin_from_a_unit_admin(login, users):
    response = login(users.unit_admin).get(f"/accounts/users/{users.committee_admin.pk}/")

    assert response.status_code == 404


def test_it_refuses_a_user_page_to_a_secretary(login, users):
    response = login(users.secretary).get(f"/accounts/users/{users.member.pk}/")

    assert response.status_code == 403


def test_it_answers_404_for_a_missing_user(login, users):
    response = login(users.committee_admin).get("/accounts/users/999999/")

    assert response.status_code == 404


# Disable and enable


def test_it_disables_a_user(client, users, password, attempt_login, audit_records):
    client.force_login(users.unit_admin)

    response = client.post(f"/accounts/users/{users.secretary.pk}/disable/")

    assert response.status_code == 302
    users.secretary.refresh_from_db()
    assert not users.secretary.is_active
    record = audit_records("user.disable", user=users.unit_admin).get()
    assert record.changes == {"is_active": [True, False]}
    assert record.target_id == str(users.secretary.pk)
    assert record.ip == "127.0.0.1"
    client.post("/accounts/logout/")
    assert attempt_login("secretary", password).status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_enables_a_user(client, users, password, attempt_login, audit_records):
    users.secretary.is_active = False
    users.secretary.save()
    client.force_login(users.unit_admin)

    response = client.post(f"/accounts/users/{users.secretary.pk}/enable/")

    assert response.status_code == 302
    assert audit_records("user.enable", user=users.unit_admin).exists()
    client.post("/accounts/logout/")
    assert attempt_login("secretary", password).status_code == 302


@pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
def test_it_hides_the_actions_from_an_admin_of_another_subtree(login, users, far_admin, action):
    response = login(far_admin).post(
        f"/accounts/users/{users.secretary.pk}/{action}/", {"password": NEW_PASSWORD}
    )

    assert response.status_code == 404
    users.secretary.refresh_from_db()
    assert users.secretary.is_active
    assert not users.secretary.must_change_password


@pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
def test_it_refuses_the_actions_to_a_secretary(login, users, action):
    response = login(users.secretary).post(
        f"/accounts/users/{users.member.pk}/{action}/", {"password": NEW_PASSWORD}
    )

    assert response.status_code == 403
    users.member.refresh_from_db()
    assert users.member.is_active
    assert not users.member.must_change_password


@pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
def test_it_refuses_the_actions_by_get(login, users, action):
    response = login(users.unit_admin).get(f"/accounts/users/{users.secretary.pk}/{action}/")

    assert response.status_code == 405


def test_it_refuses_to_disable_ones_own_account(login, users):
    response = login(users.unit_admin).post(f"/accounts/users/{users.unit_admin.pk}/disable/")

    assert response.status_code == 403
    users.unit_admin.refresh_from_db()
    assert users.unit_admin.is_active


def test_it_refuses_to_disable_a_user_with_a_grant_outside_the_admins_reach(login, users, tree):
    grant_create(actor=SYSTEM, user=users.secretary, role=Role.SECRETARY, org=tree.far_branch)

    response = login(users.unit_admin).post(f"/accounts/users/{users.secretary.pk}/disable/")

    assert response.status_code == 403
    users.secretary.refresh_from_db()
    assert users.secretary.is_active


# Reset password


def test_it_resets_a_password(client, users, attempt_login, audit_records):
    client.force_login(users.unit_admin)

    response = client.post(
        f"/accounts/users/{users.member.pk}/reset-password/", {"password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == f"/accounts/users/{users.member.pk}/"
    users.member.refresh_from_db()
    assert users.member.must_change_password
    assert audit_records("user.password_reset", user=users.unit_admin).exists()
    client.post("/accounts/logout/")
    assert attempt_login("member", NEW_PASSWORD).status_code == 302


def test_it_refuses_a_weak_reset_password_in_chinese(login, users, password):
    client = login(users.unit_admin)

    response = client.post(
        f"/accounts/users/{users.member.pk}/reset-password/", {"password": "abc"}, follow=True
    )

    assert "重置失败" in response.content.decode()
    assert "至少 8 位" in response.content.decode()
    users.member.refresh_from_db()
    assert users.member.check_password(password)
    assert not users.member.must_change_password


def test_it_does_not_leak_the_reset_password_into_the_page(login, users):
    response = login(users.unit_admin).post(
        f"/accounts/users/{users.member.pk}/reset-password/",
        {"password": NEW_PASSWORD},
        follow=True,
    )

    assert NEW_PASSWORD not in response.content.decode()
