"""Roles and grants: a grant covers its org's whole sub-tree; nobody grants beyond their own
sub-tree or above their own role; every change is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from mofan.accounts import services
from mofan.accounts.models import Grant
from mofan.core.access import SYSTEM, Role, scope_of
from mofan.core.errors import ApplicationError
from mofan.site.tests.factories import UserFactory


def test_it_covers_the_whole_subtree_of_the_grant(users, tree):
    scope = scope_of(users.unit_admin)

    for org in [tree.unit, tree.branch, tree.group, tree.other_branch]:
        assert scope.sees(org.path), org.name
    for org in [tree.committee, tree.far_unit, tree.far_branch]:
        assert not scope.sees(org.path), org.name


def test_it_limits_a_secretary_to_the_branch(users, tree):
    scope = scope_of(users.secretary)

    assert scope.sees(tree.branch.path)
    assert scope.sees(tree.group.path)
    assert not scope.sees(tree.other_branch.path)
    assert not scope.sees(tree.unit.path)


def test_it_lets_the_committee_admin_see_everything(users, tree):
    scope = scope_of(users.committee_admin)

    for org in vars(tree).values():
        assert scope.sees(org.path), org.name


def test_it_adds_up_several_grants(users, tree):
    services.grant_create(actor=SYSTEM, user=users.secretary, role=Role.MEMBER, org=tree.far_unit)

    scope = scope_of(users.secretary)

    assert scope.sees(tree.group.path)
    assert scope.sees(tree.far_branch.path)
    assert not scope.sees(tree.other_branch.path)


def test_it_lets_a_unit_admin_grant_inside_the_subtree(users, tree, audit_records):
    user = UserFactory(username="zhangsan")

    services.grant_create(actor=users.unit_admin, user=user, role=Role.SECRETARY, org=tree.branch)

    assert scope_of(user).sees(tree.group.path)
    record = audit_records("grant.create", user=users.unit_admin).get()
    assert record.target_id == str(user.pk)
    assert record.changes == {"grant": [None, "支部书记 @ 发改委第一党支部"]}


def test_it_lets_a_unit_admin_grant_the_same_role(users, tree):
    user = UserFactory(username="zhangsan")

    services.grant_create(actor=users.unit_admin, user=user, role=Role.UNIT_ADMIN, org=tree.branch)

    assert user.grants.filter(role=Role.UNIT_ADMIN).exists()


def test_it_refuses_a_grant_outside_the_subtree(users, tree, audit_records):
    user = UserFactory(username="zhangsan")

    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=users.unit_admin, user=user, role=Role.MEMBER, org=tree.far_branch
        )

    assert not user.grants.exists()
    assert not audit_records("grant.create", target_id=str(user.pk)).exists()


def test_it_refuses_a_grant_on_the_admins_parent(users, tree):
    user = UserFactory(username="zhangsan")

    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=users.unit_admin, user=user, role=Role.MEMBER, org=tree.committee
        )


@pytest.mark.parametrize("role", [Role.COMMITTEE_ADMIN])
def test_it_refuses_a_role_above_the_admins_own(users, tree, role):
    user = UserFactory(username="zhangsan")

    with pytest.raises(PermissionDenied, match="高于自己"):
        services.grant_create(actor=users.unit_admin, user=user, role=role, org=tree.unit)

    assert not user.grants.exists()


@pytest.mark.parametrize("actor", ["secretary", "leader", "member"])
def test_it_refuses_grants_by_non_admins(users, tree, actor):
    user = UserFactory(username="zhangsan")

    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=getattr(users, actor), user=user, role=Role.MEMBER, org=tree.group
        )


def test_it_lets_the_committee_admin_grant_anything_anywhere(users, tree):
    user = UserFactory(username="zhangsan")

    services.grant_create(
        actor=users.committee_admin, user=user, role=Role.COMMITTEE_ADMIN, org=tree.committee
    )
    services.grant_create(
        actor=users.committee_admin, user=user, role=Role.UNIT_ADMIN, org=tree.far_unit
    )

    assert scope_of(user).is_committee_admin
    assert user.grants.count() == 2


def test_it_refuses_the_same_grant_twice(users, tree):
    with pytest.raises(ApplicationError, match="已有此授权"):
        services.grant_create(
            actor=users.unit_admin, user=users.secretary, role=Role.SECRETARY, org=tree.branch
        )


def test_it_revokes_a_grant(users, tree, audit_records):
    services.grant_create(
        actor=SYSTEM, user=users.secretary, role=Role.MEMBER, org=tree.other_branch
    )
    grant = users.secretary.grants.get(org=tree.other_branch)

    services.grant_revoke(actor=users.unit_admin, grant=grant)

    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert not scope_of(users.secretary).sees(tree.other_branch.path)
    record = audit_records("grant.revoke", user=users.unit_admin).get()
    assert record.changes == {"grant": ["党员 @ 发改委第二党支部", None]}


def test_it_refuses_to_revoke_a_grant_outside_the_subtree(users, tree, audit_records):
    grant = users.secretary.grants.get()

    with pytest.raises(PermissionDenied):
        services.grant_revoke(actor=users.outsider, grant=grant)
    with pytest.raises(PermissionDenied):
        services.grant_revoke(actor=users.unit_admin, grant=users.committee_admin.grants.get())

    assert Grant.objects.filter(pk=grant.pk).exists()
    assert not audit_records("grant.revoke").exists()


# The pages


def test_it_adds_a_grant_on_the_user_page(login, users, tree, audit_records):
    client = login(users.unit_admin)

    response = client.post(
        f"/accounts/users/{users.secretary.pk}/grants/new/",
        {"role": Role.MEMBER, "org": tree.other_branch.pk},
    )

    assert response.status_code == 302
    assert response.url == f"/accounts/users/{users.secretary.pk}/"
    assert users.secretary.grants.filter(role=Role.MEMBER, org=tree.other_branch).exists()
    assert audit_records("grant.create", user=users.unit_admin).exists()
    page = client.get(response.url).content.decode()
    assert "发改委第二党支部" in page


def test_it_offers_only_the_admins_orgs_for_a_grant(login, users, tree):
    client = login(users.unit_admin)

    response = client.post(
        f"/accounts/users/{users.secretary.pk}/grants/new/",
        {"role": Role.MEMBER, "org": tree.far_branch.pk},
        follow=True,
    )

    assert "授权失败" in response.content.decode()
    assert not users.secretary.grants.filter(org=tree.far_branch).exists()


def test_it_refuses_a_role_above_the_admins_own_on_the_page(login, users, tree):
    response = login(users.unit_admin).post(
        f"/accounts/users/{users.secretary.pk}/grants/new/",
        {"role": Role.COMMITTEE_ADMIN, "org": tree.unit.pk},
    )

    assert response.status_code == 403
    assert not users.secretary.grants.filter(role=Role.COMMITTEE_ADMIN).exists()


def test_it_says_so_when_the_grant_exists(login, users, tree):
    response = login(users.unit_admin).post(
        f"/accounts/users/{users.secretary.pk}/grants/new/",
        {"role": Role.SECRETARY, "org": tree.branch.pk},
        follow=True,
    )

    assert "该用户已有此授权" in response.content.decode()
    assert users.secretary.grants.count() == 1


def test_it_hides_grant_adding_from_an_admin_of_another_subtree(login, users, far_admin, tree):
    response = login(far_admin).post(
        f"/accounts/users/{users.secretary.pk}/grants/new/",
        {"role": Role.MEMBER, "org": tree.far_branch.pk},
    )

    assert response.status_code == 404
    assert users.secretary.grants.count() == 1


def test_it_refuses_grant_adding_to_a_secretary(login, users, tree):
    response = login(users.secretary).post(
        f"/accounts/users/{users.member.pk}/grants/new/",
        {"role": Role.MEMBER, "org": tree.group.pk},
    )

    assert response.status_code == 403


def test_it_revokes_a_grant_on_the_page(login, users, tree, audit_records):
    services.grant_create(
        actor=SYSTEM, user=users.secretary, role=Role.MEMBER, org=tree.other_branch
    )
    grant = users.secretary.grants.get(org=tree.other_branch)

    response = login(users.unit_admin).post(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == 302
    assert response.url == f"/accounts/users/{users.secretary.pk}/"
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert audit_records("grant.revoke", user=users.unit_admin).exists()


def test_it_hides_grant_revoking_from_an_admin_of_another_subtree(login, users, far_admin):
    grant = users.secretary.grants.get()

    response = login(far_admin).post(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_grant_revoking_to_a_secretary(login, users):
    grant = users.member.grants.get()

    response = login(users.secretary).post(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == 403
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_to_revoke_a_grant_on_an_org_outside_the_subtree(login, users, tree):
    services.grant_create(actor=SYSTEM, user=users.secretary, role=Role.MEMBER, org=tree.far_branch)
    grant = users.secretary.grants.get(org=tree.far_branch)

    response = login(users.unit_admin).post(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == 404  # a grant outside the sub-tree is not even shown
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_grant_revoking_by_get(login, users):
    grant = users.secretary.grants.get()

    response = login(users.unit_admin).get(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == 405


def test_it_lands_on_a_working_page_after_revoking_the_last_grant(login, users):
    grant = users.secretary.grants.get()
    client = login(users.unit_admin)

    response = client.post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)

    assert response.status_code == 200
    assert "已撤销授权" in response.content.decode()


def test_it_lets_the_committee_admin_manage_a_user_without_grants(login, users):
    services.grant_revoke(actor=users.committee_admin, grant=users.secretary.grants.get())
    client = login(users.committee_admin)

    assert ">secretary</a>" in client.get("/accounts/users/").content.decode()
    assert client.get(f"/accounts/users/{users.secretary.pk}/").status_code == 200
    response = client.post(f"/accounts/users/{users.secretary.pk}/disable/")
    assert response.status_code == 302
    users.secretary.refresh_from_db()
    assert not users.secretary.is_active


def test_it_hides_a_user_without_grants_from_a_unit_admin(login, users):
    services.grant_revoke(actor=users.committee_admin, grant=users.secretary.grants.get())

    response = login(users.unit_admin).get(f"/accounts/users/{users.secretary.pk}/")

    assert response.status_code == 404
