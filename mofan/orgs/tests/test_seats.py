"""Committee seats linked to member records: the name comes from the record and stays for
history; people outside the roll keep a typed name; a typed seat can be linked later."""

import pytest
from django.core.exceptions import PermissionDenied

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.lifecycle import member_set_status
from mofan.members.models import Status
from mofan.members.services import member_update
from mofan.orgs.models import CommitteeSeat
from mofan.orgs.seat_holders import seat_holders
from mofan.orgs.services import committee_seat_add, committee_seat_link


def text(response):
    return response.content.decode()


@pytest.fixture
def zhao(tree, make_member):
    return make_member(tree.branch, name="赵强")


def test_a_seat_takes_the_name_from_the_record_and_keeps_it(tree, users, zhao):
    seat = committee_seat_add(
        actor=users.unit_admin, org=tree.branch, name="", post="secretary", member_id=zhao.id
    )
    assert (seat.name, seat.member) == ("赵强", zhao)
    member_update(actor=SYSTEM, member=zhao, name="赵刚")
    seat.refresh_from_db()
    assert seat.name == "赵强" and seat.member_id == zhao.id
    assert AuditLog.objects.get(action="org.committee.add").detail == "关联党员记录"


def test_it_refuses_a_member_outside_the_org_or_no_longer_on_the_roll(
    tree, users, zhao, make_member
):
    stranger = make_member(tree.other_branch, name="外人")
    with pytest.raises(ApplicationError, match="不是“发改委第一党支部”的在册党员"):
        committee_seat_add(
            actor=users.unit_admin, org=tree.branch, name="", post="member", member_id=stranger.id
        )
    member_set_status(
        actor=SYSTEM, member=zhao, status=Status.DECEASED, on=zhao.joined_on, reason="病故"
    )
    with pytest.raises(ApplicationError, match="在册党员"):
        committee_seat_add(
            actor=users.unit_admin, org=tree.branch, name="", post="member", member_id=zhao.id
        )
    assert not CommitteeSeat.objects.exists()


def test_a_unit_committee_may_seat_members_of_its_sub_tree(tree, users, zhao):
    seat = committee_seat_add(
        actor=users.unit_admin, org=tree.unit, name="", post="member", member_id=zhao.id
    )
    assert seat.member == zhao


def test_it_refuses_a_name_that_differs_from_the_record_and_a_second_seat(tree, users, zhao):
    with pytest.raises(ApplicationError, match="不一致"):
        committee_seat_add(
            actor=users.unit_admin, org=tree.branch, name="钱勇", post="member", member_id=zhao.id
        )
    committee_seat_add(
        actor=users.unit_admin, org=tree.branch, name="赵强", post="member", member_id=zhao.id
    )
    with pytest.raises(ApplicationError, match="已在班子中"):
        committee_seat_add(
            actor=users.unit_admin, org=tree.branch, name="", post="member", member_id=zhao.id
        )


def test_a_seat_for_someone_outside_the_roll_keeps_a_typed_name(tree, users):
    seat = committee_seat_add(actor=users.unit_admin, org=tree.branch, name="王外", post="member")
    assert seat.member is None and seat.name == "王外"
    with pytest.raises(ApplicationError, match="请填写姓名或选择党员记录"):
        committee_seat_add(actor=users.unit_admin, org=tree.branch, name="", post="member")


def test_a_typed_seat_is_linked_later_to_the_same_persons_record(tree, users, zhao, make_member):
    seat = committee_seat_add(actor=SYSTEM, org=tree.branch, name="赵强", post="member")
    other = make_member(tree.branch, name="钱勇")
    with pytest.raises(ApplicationError, match="不一致"):
        committee_seat_link(actor=users.unit_admin, seat=seat, member_id=other.id)
    with pytest.raises(PermissionDenied):
        committee_seat_link(actor=users.secretary, seat=seat, member_id=zhao.id)
    committee_seat_link(actor=users.unit_admin, seat=seat, member_id=zhao.id)
    assert CommitteeSeat.objects.get().member == zhao
    assert AuditLog.objects.filter(action="org.committee.link").exists()


def test_the_directory_lists_current_members_under_the_org(tree, zhao, make_member):
    make_member(tree.far_branch, name="远处")
    assert [h.label for h in seat_holders(tree.unit)] == ["赵强（发改委第一党支部）"]


# --- pages ---------------------------------------------------------------------------------


def test_the_admin_picks_a_record_on_the_org_page(tree, users, zhao, login):
    client = login(users.unit_admin)
    page = text(client.get(f"/orgs/{tree.branch.id}/"))
    assert f'<option value="{zhao.id}">赵强（发改委第一党支部）</option>' in page
    response = client.post(
        f"/orgs/{tree.branch.id}/committee/add/",
        {"member": zhao.id, "name": "", "post": "secretary"},
    )
    assert response.status_code == 302
    assert CommitteeSeat.objects.get().member == zhao
    assert "已关联党员记录" in text(client.get(f"/orgs/{tree.branch.id}/"))


def test_the_org_page_lists_no_records_to_read_only_users(tree, users, zhao, login):
    page = text(login(users.member).get(f"/orgs/{tree.branch.id}/"))
    assert "赵强（发改委第一党支部）" not in page


def test_the_link_form_answers_404_to_outsiders_and_403_to_read_only_users(
    tree, users, zhao, login
):
    seat = committee_seat_add(actor=SYSTEM, org=tree.branch, name="赵强", post="member")
    assert (
        login(users.outsider)
        .post(f"/orgs/committee/{seat.id}/link/", {"member": zhao.id})
        .status_code
        == 404
    )
    assert (
        login(users.leader)
        .post(f"/orgs/committee/{seat.id}/link/", {"member": zhao.id})
        .status_code
        == 403
    )
    client = login(users.unit_admin)
    page = text(client.get(f"/orgs/{tree.branch.id}/"))
    assert f"/orgs/committee/{seat.id}/link/" in page
    bad = client.post(f"/orgs/committee/{seat.id}/link/", {"member": "x"}, follow=True)
    assert "请选择党员记录" in text(bad)
    client.post(f"/orgs/committee/{seat.id}/link/", {"member": zhao.id})
    assert CommitteeSeat.objects.get().member == zhao
