"""Plain-member accounts for member records: created in bulk with the member role on their
branch, disabled when the member leaves, their member grant moved with a transfer; first
passwords random and hashed lightly until the first login."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.exceptions import PermissionDenied

from mofan.accounts.models import Grant, User
from mofan.accounts.passwords import (
    FIRST_PASSWORD_ITERATIONS,
    first_password_hash,
    generate_first_password,
)
from mofan.accounts.selectors import branch_handlers
from mofan.accounts.services import (
    NewMemberLogin,
    member_grant_move,
    member_user_disable,
    member_users_create,
)
from mofan.accounts.validators import LengthAndVarietyValidator
from mofan.core.access import SYSTEM, Role, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.site.tests.factories import make_user


def login(username, branch, **fields):
    return NewMemberLogin(
        username, f"党员{username}", first_password_hash("Aa123456xy"), branch, **fields
    )


def test_it_creates_accounts_in_bulk_with_the_member_role(tree, users):
    created = member_users_create(
        actor=users.secretary,
        logins=[login("dy000001", tree.branch), login("dy000002", tree.branch)],
    )
    assert [u.username for u in created] == ["dy000001", "dy000002"]
    for user in User.objects.filter(username__startswith="dy"):
        assert user.must_change_password
        assert user.check_password("Aa123456xy")
        assert scope_of(user).roles_over(tree.branch.path) == {Role.MEMBER}
    entry = AuditLog.objects.get(action="user.bulk_create")
    assert entry.user == users.secretary
    assert entry.changes["usernames"][1] == ["dy000001", "dy000002"]


def test_it_refuses_taken_or_repeated_usernames_and_writes_nothing(tree, users):
    with pytest.raises(ApplicationError, match="secretary"):
        member_users_create(actor=SYSTEM, logins=[login("secretary", tree.branch)])
    with pytest.raises(ApplicationError, match="重复"):
        member_users_create(
            actor=SYSTEM, logins=[login("dy1", tree.branch), login("dy1", tree.branch)]
        )
    assert not User.objects.filter(username="dy1").exists()


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_only_those_who_record_the_branch_create_its_accounts(tree, users, who):
    with pytest.raises(PermissionDenied):
        member_users_create(actor=getattr(users, who), logins=[login("dy000009", tree.branch)])
    assert not User.objects.filter(username="dy000009").exists()


def test_it_disables_a_members_account_with_an_audit_record(tree, users):
    (user,) = member_users_create(actor=SYSTEM, logins=[login("dy000003", tree.branch)])
    with pytest.raises(PermissionDenied):
        member_user_disable(actor=users.outsider, user=user, branch=tree.branch, reason="去世")
    member_user_disable(actor=users.secretary, user=user, branch=tree.branch, reason="党员去世")
    user.refresh_from_db()
    assert not user.is_active
    assert AuditLog.objects.get(action="user.disable", target_id=str(user.pk)).detail == "党员去世"


def test_it_moves_the_member_grant_to_the_new_branch(tree, users):
    (user,) = member_users_create(actor=SYSTEM, logins=[login("dy000004", tree.branch)])
    member_grant_move(
        actor=users.unit_admin, user=user, from_branch=tree.branch, to_branch=tree.other_branch
    )
    assert list(Grant.objects.filter(user=user).values_list("role", "org")) == [
        (Role.MEMBER, tree.other_branch.pk)
    ]
    assert AuditLog.objects.filter(action="grant.move").exists()


def test_moving_onto_an_existing_member_grant_leaves_one(tree, users):
    user = make_user(Role.MEMBER, tree.branch)
    Grant.objects.create(user=user, role=Role.MEMBER, org=tree.other_branch)
    member_grant_move(actor=SYSTEM, user=user, from_branch=tree.branch, to_branch=tree.other_branch)
    assert list(Grant.objects.filter(user=user).values_list("org", flat=True)) == [
        tree.other_branch.pk
    ]


def test_a_secretary_grant_stays_where_it_is(tree, users):
    member_grant_move(
        actor=SYSTEM, user=users.secretary, from_branch=tree.branch, to_branch=tree.other_branch
    )
    assert list(users.secretary.grants.values_list("role", "org")) == [
        (Role.SECRETARY, tree.branch.pk)
    ]
    assert not AuditLog.objects.filter(action="grant.move").exists()


def test_first_passwords_are_random_and_pass_the_validators():
    passwords = {generate_first_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        LengthAndVarietyValidator().validate(password)
        assert not set(password) & set("0O1lI")


def test_a_first_password_is_hashed_lightly_and_rehashed_at_full_strength_on_login(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    encoded = first_password_hash("Aa123456xy")
    assert encoded.split("$")[1] == str(FIRST_PASSWORD_ITERATIONS)
    assert check_password("Aa123456xy", encoded)
    user = User.objects.create(username="dy000005", password=encoded)
    assert user.check_password("Aa123456xy")
    user.refresh_from_db()
    assert user.password.split("$")[1] == str(identify_hasher(user.password).iterations)


def test_requests_of_a_branch_go_to_its_secretary_or_else_the_unit_admin(tree, users):
    assert list(branch_handlers(branch=tree.branch)) == [users.secretary]
    assert list(branch_handlers(branch=tree.group)) == [users.unit_admin]
