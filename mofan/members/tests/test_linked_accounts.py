"""What the member's lifecycle does to a linked account: leaving the Party, death and a
transfer out of the system disable it; a transfer inside the system (or a move of the record
to another branch) keeps it and moves its member grant; a flag like 流动 changes nothing."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from mofan.accounts.models import Grant, User
from mofan.core.access import Role, scope_of
from mofan.core.models import AuditLog
from mofan.members.lifecycle import (
    member_set_status,
    member_transfer_out_of_system,
    transfer_accept,
    transfer_send,
)
from mofan.members.logins import member_logins_create
from mofan.members.models import Member, Status
from mofan.members.services import member_update

TODAY = date(2027, 3, 15)


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def person(tree, users, make_member):
    member = make_member(tree.branch, name="有账号")
    member_logins_create(actor=users.secretary, members=[member], org=tree.branch)
    return Member.objects.select_related("user").get(pk=member.pk)


def account(member) -> User:
    return User.objects.get(pk=member.user_id)


def member_grants(member) -> list[int]:
    return list(
        Grant.objects.filter(user_id=member.user_id, role=Role.MEMBER).values_list("org", flat=True)
    )


@pytest.mark.parametrize("status", [Status.DECEASED, Status.EXPELLED, Status.SUSPENDED])
def test_leaving_the_party_or_death_disables_the_account(users, person, status):
    member_set_status(actor=users.secretary, member=person, status=status, on=TODAY, reason="依据")
    assert not account(person).is_active
    entry = AuditLog.objects.get(action="user.disable")
    assert entry.user == users.secretary and "党员" in entry.detail


def test_a_disabled_account_can_no_longer_log_in(users, person, password):
    user = account(person)
    user.set_password(password)
    user.must_change_password = False
    user.save()
    member_set_status(
        actor=users.secretary, member=person, status=Status.DECEASED, on=TODAY, reason="病故"
    )
    response = Client().post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 200  # the form again, not a redirect


def test_a_flag_status_keeps_the_account(users, person):
    member_set_status(
        actor=users.secretary, member=person, status=Status.MOBILE, on=TODAY, reason=""
    )
    assert account(person).is_active


def test_a_transfer_out_of_the_system_disables_the_account(users, person):
    member_transfer_out_of_system(
        actor=users.secretary,
        member=person,
        destination="外省某机关",
        letter_number="2027-01",
        on=TODAY,
    )
    assert not account(person).is_active
    assert "外省某机关" in AuditLog.objects.get(action="user.disable").detail


def test_a_transfer_inside_the_system_moves_the_member_grant(tree, users, person):
    transfer = transfer_send(
        actor=users.secretary,
        member=person,
        to_org=tree.far_branch,
        letter_number="2027-02",
        on=TODAY,
    )
    assert member_grants(person) == [tree.branch.pk]  # not before the receiving org accepts
    transfer_accept(actor=users.committee_admin, transfer=transfer, on=TODAY)
    user = account(person)
    assert user.is_active
    assert member_grants(person) == [tree.far_branch.pk]
    assert scope_of(user).sees(tree.far_branch.path) and not scope_of(user).sees(tree.branch.path)
    assert AuditLog.objects.filter(action="grant.move", target_id=str(user.pk)).exists()


def test_moving_the_record_to_another_branch_moves_the_grant_too(tree, users, person):
    member_update(actor=users.unit_admin, member=person, org=tree.other_branch)
    assert member_grants(person) == [tree.other_branch.pk]


def test_a_member_without_an_account_changes_no_account(tree, users, make_member):
    member = make_member(tree.branch)
    member_set_status(
        actor=users.secretary, member=member, status=Status.DECEASED, on=TODAY, reason="病故"
    )
    assert not AuditLog.objects.filter(action="user.disable").exists()
