"""组织关系转接: inside the system (send → accept or reject) and out of the system."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.core.access import SYSTEM, Role
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.lifecycle import (
    member_set_status,
    member_transfer_out_of_system,
    transfer_accept,
    transfer_reject,
    transfer_send,
)
from mofan.members.models import Member, MemberEvent, Status, Transfer
from mofan.orgs.models import OrgType
from mofan.orgs.services import org_dissolve
from mofan.site.tests.factories import make_org, make_user


def today() -> date:
    return timezone.localdate()


def iso(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def fresh(member) -> Member:
    return Member.objects.get(pk=member.pk)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.branch, name="张转接")


@pytest.fixture
def pending(users, tree, member):
    """A transfer from the branch to other_branch (whose secretary is `users.outsider`)."""
    return transfer_send(
        actor=users.secretary,
        member=member,
        to_org=tree.other_branch,
        letter_number="发改组转〔2026〕12号",
        on=today() - timedelta(days=3),
    )


# --- sending --------------------------------------------------------------------------------


def test_it_keeps_the_member_in_the_source_branch_until_accepted(
    users, tree, member, pending, login
):
    assert fresh(member).org == tree.branch
    assert pending.status == Transfer.Status.PENDING
    assert login(users.outsider).get(f"/members/{member.pk}/").status_code == 404
    assert "张转接" not in text(login(users.outsider).get("/members/"))
    page = text(login(users.secretary).get(f"/members/{member.pk}/"))
    assert "待对方接收" in page
    assert "发改组转〔2026〕12号" in page
    assert AuditLog.objects.filter(action="member.transfer_send", user=users.secretary).exists()


def test_it_requires_a_letter_number(users, tree, member):
    with pytest.raises(ApplicationError) as refused:
        transfer_send(
            actor=users.secretary,
            member=member,
            to_org=tree.other_branch,
            letter_number=" ",
            on=today(),
        )
    assert refused.value.field == "letter_number"
    assert not Transfer.objects.exists()


def test_it_refuses_a_transfer_to_the_same_branch(users, tree, member):
    with pytest.raises(ApplicationError, match="相同"):
        transfer_send(
            actor=users.secretary, member=member, to_org=tree.branch, letter_number="1", on=today()
        )
    assert not Transfer.objects.exists()


def test_it_refuses_a_transfer_to_a_dissolved_branch(users, tree, member):
    closed = make_org(tree.far_unit, OrgType.BRANCH, "已撤销支部")
    org_dissolve(actor=SYSTEM, org=closed, reason="机构改革")
    closed.refresh_from_db()
    with pytest.raises(ApplicationError, match="未撤销"):
        transfer_send(
            actor=users.secretary, member=member, to_org=closed, letter_number="1", on=today()
        )
    assert not Transfer.objects.exists()


def test_it_refuses_a_transfer_to_an_org_that_is_not_a_branch(users, tree, member):
    for org in (tree.unit, tree.group):
        with pytest.raises(ApplicationError, match="党支部"):
            transfer_send(
                actor=users.secretary, member=member, to_org=org, letter_number="1", on=today()
            )
    assert not Transfer.objects.exists()


def test_it_refuses_a_second_pending_transfer(users, tree, member, pending):
    with pytest.raises(ApplicationError, match="待接收"):
        transfer_send(
            actor=users.secretary,
            member=member,
            to_org=tree.far_branch,
            letter_number="2",
            on=today(),
        )
    assert Transfer.objects.count() == 1


def test_it_refuses_sending_by_the_receiving_branch(users, tree, member):
    with pytest.raises(PermissionDenied):
        transfer_send(
            actor=users.outsider,
            member=member,
            to_org=tree.other_branch,
            letter_number="1",
            on=today(),
        )


# --- accepting and rejecting ----------------------------------------------------------------


def test_it_moves_the_member_when_the_receiving_branch_accepts(users, tree, member, pending, login):
    transfer_accept(actor=users.outsider, transfer=pending, on=today())
    member = fresh(member)
    assert member.org == tree.other_branch
    assert member.party_group is None
    out = member.events.get(kind=MemberEvent.Kind.TRANSFER_OUT)
    into = member.events.get(kind=MemberEvent.Kind.TRANSFER_IN)
    assert out.on == pending.sent_on
    assert into.on == today()
    assert "发改组转〔2026〕12号" in out.detail
    assert "发改组转〔2026〕12号" in into.detail
    assert tree.branch.name in out.detail
    assert tree.other_branch.name in into.detail
    page = text(login(users.outsider).get(f"/members/{member.pk}/"))
    assert "组织关系转出" in page
    assert "组织关系转入" in page
    assert login(users.secretary).get(f"/members/{member.pk}/").status_code == 404
    entry = AuditLog.objects.get(action="member.transfer_accept")
    assert entry.user == users.outsider
    assert entry.changes == {"org": [tree.branch.name, tree.other_branch.name]}


def test_it_clears_the_party_group_of_the_old_branch(users, tree, make_member):
    member = make_member(tree.branch, party_group=tree.group)
    transfer = transfer_send(
        actor=users.secretary,
        member=member,
        to_org=tree.other_branch,
        letter_number="1",
        on=today(),
    )
    transfer_accept(actor=users.outsider, transfer=transfer, on=today())
    assert fresh(member).party_group is None


def test_it_refuses_acceptance_by_the_sending_side(users, tree, member, pending):
    with pytest.raises(PermissionDenied):
        transfer_accept(actor=users.secretary, transfer=pending, on=today())
    assert fresh(member).org == tree.branch


def test_it_refuses_an_acceptance_dated_before_the_sending(users, tree, member, pending):
    with pytest.raises(ApplicationError, match="早于"):
        transfer_accept(
            actor=users.outsider, transfer=pending, on=pending.sent_on - timedelta(days=1)
        )
    assert fresh(member).org == tree.branch


def test_it_refuses_answering_a_transfer_twice(users, tree, member, pending):
    transfer_accept(actor=users.outsider, transfer=pending, on=today())
    with pytest.raises(ApplicationError, match="已办理"):
        transfer_reject(actor=users.outsider, transfer=pending, on=today(), reason="重复")
    assert fresh(member).org == tree.other_branch


def test_it_requires_a_reason_to_reject(users, tree, member, pending):
    with pytest.raises(ApplicationError) as refused:
        transfer_reject(actor=users.outsider, transfer=pending, on=today(), reason="")
    assert refused.value.field == "reason"
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_it_leaves_the_member_in_place_when_rejected_and_allows_a_new_transfer(
    users, tree, member, pending
):
    transfer_reject(actor=users.outsider, transfer=pending, on=today(), reason="介绍信抬头有误")
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.REJECTED
    assert pending.note == "介绍信抬头有误"
    assert fresh(member).org == tree.branch
    assert not fresh(member).events.filter(kind=MemberEvent.Kind.TRANSFER_IN).exists()
    assert AuditLog.objects.filter(action="member.transfer_reject").exists()
    again = transfer_send(
        actor=users.secretary,
        member=member,
        to_org=tree.other_branch,
        letter_number="新号",
        on=today(),
    )
    assert again.status == Transfer.Status.PENDING


def test_it_refuses_accepting_a_member_who_left_while_the_transfer_was_pending(
    users, tree, member, pending
):
    member_set_status(
        actor=users.secretary, member=member, status=Status.DECEASED, on=today(), reason="病故"
    )
    with pytest.raises(ApplicationError, match="已去世"):
        transfer_accept(actor=users.outsider, transfer=pending, on=today())
    member = fresh(member)
    assert member.org == tree.branch
    assert not member.events.filter(kind=MemberEvent.Kind.TRANSFER_IN).exists()


# --- out of the system ----------------------------------------------------------------------


def test_it_keeps_a_member_transferred_out_of_the_system_in_the_history_list(
    users, tree, member, login
):
    client = login(users.secretary)
    assert "党员人数</dt><dd>1（" in text(client.get(f"/orgs/{tree.branch.pk}/"))
    member_transfer_out_of_system(
        actor=users.secretary,
        member=member,
        destination="北京市某区委组织部",
        letter_number="京组转001",
        on=today(),
    )
    member = fresh(member)
    assert member.status == Status.TRANSFERRED_OUT
    assert member.org == tree.branch
    event = member.events.get(kind=MemberEvent.Kind.TRANSFER_OUT)
    assert "北京市某区委组织部" in event.detail
    assert "京组转001" in event.detail
    assert "张转接" not in text(client.get("/members/"))
    history = text(client.get("/members/?status=history"))
    assert "张转接" in history
    assert "转出" in history
    assert "党员人数</dt><dd>0（" in text(client.get(f"/orgs/{tree.branch.pk}/"))
    entry = AuditLog.objects.get(action="member.transfer_out")
    assert entry.changes == {"status": ["正常", "转出"]}


def test_it_requires_destination_and_letter_number_to_transfer_out(users, member):
    for destination, letter in (("", "1"), ("某区委", "")):
        with pytest.raises(ApplicationError):
            member_transfer_out_of_system(
                actor=users.secretary,
                member=member,
                destination=destination,
                letter_number=letter,
                on=today(),
            )
    assert fresh(member).status == Status.NORMAL


def test_it_refuses_a_transfer_of_a_member_already_transferred_out(users, tree, member):
    member_transfer_out_of_system(
        actor=users.secretary, member=member, destination="外省", letter_number="1", on=today()
    )
    with pytest.raises(ApplicationError, match="已转出"):
        transfer_send(
            actor=users.secretary,
            member=member,
            to_org=tree.other_branch,
            letter_number="2",
            on=today(),
        )


# --- pages ----------------------------------------------------------------------------------


def test_it_sends_a_transfer_from_the_member_page(users, tree, member, login):
    client = login(users.secretary)
    page = text(client.get(f"/members/{member.pk}/transfer/"))
    assert tree.other_branch.name in page
    response = client.post(
        f"/members/{member.pk}/transfer/",
        {"to_org": tree.other_branch.pk, "letter_number": "转字8号", "on": iso(today())},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.to_org == tree.other_branch
    assert transfer.letter_number == "转字8号"


def test_it_reshows_a_refused_transfer_with_the_reason_once(users, tree, member, pending, login):
    response = login(users.secretary).post(
        f"/members/{member.pk}/transfer/",
        {"to_org": tree.far_branch.pk, "letter_number": "转字9号", "on": iso(today())},
    )
    assert response.status_code == 200
    assert text(response).count("已有一笔待接收的转接") == 1
    assert 'value="转字9号"' in text(response)
    assert Transfer.objects.count() == 1


def test_it_does_not_offer_a_dissolved_branch(users, tree, member, login):
    closed = make_org(tree.far_unit, OrgType.BRANCH, "已撤销的第九支部")
    org_dissolve(actor=SYSTEM, org=closed, reason="机构改革")
    client = login(users.secretary)
    assert "已撤销的第九支部" not in text(client.get(f"/members/{member.pk}/transfer/"))
    response = client.post(
        f"/members/{member.pk}/transfer/",
        {"to_org": closed.pk, "letter_number": "1", "on": iso(today())},
    )
    assert response.status_code == 200
    assert not Transfer.objects.exists()


def test_it_lists_a_pending_transfer_on_both_sides(users, tree, member, pending, login):
    for user in (users.secretary, users.outsider, users.unit_admin):
        page = text(login(user).get("/members/transfers/"))
        assert "张转接" in page
        assert "发改组转〔2026〕12号" in page
    assert "张转接" in text(login(users.committee_admin).get("/members/transfers/"))


def test_it_offers_accept_and_reject_only_to_the_receiving_side(
    users, tree, member, pending, login
):
    accept_url = f"/members/transfers/{pending.pk}/accept/"
    assert accept_url in text(login(users.outsider).get("/members/transfers/"))
    sender_page = text(login(users.secretary).get("/members/transfers/"))
    assert accept_url not in sender_page
    assert "待转入组织办理" in sender_page


def test_it_hides_transfers_of_other_units(users, tree, make_member, login):
    far = make_member(tree.far_branch, name="远方党员")
    other = make_org(tree.far_unit, OrgType.BRANCH, "民政局第二党支部")
    transfer_send(actor=SYSTEM, member=far, to_org=other, letter_number="民转1号", on=today())
    page = text(login(users.secretary).get("/members/transfers/"))
    assert "远方党员" not in page
    assert "远方党员" in text(login(users.committee_admin).get("/members/transfers/"))


def test_it_accepts_from_the_transfers_page(users, tree, member, pending, login):
    client = login(users.outsider)
    response = client.post(f"/members/transfers/{pending.pk}/accept/", {"on": iso(today())})
    assert response.status_code == 302
    assert fresh(member).org == tree.other_branch
    assert client.get(f"/members/{member.pk}/").status_code == 200
    accepted = text(client.get("/members/transfers/?status=accepted"))
    assert "张转接" in accepted


def test_it_answers_403_when_the_sending_side_tries_to_accept(users, tree, member, pending, login):
    response = login(users.secretary).post(
        f"/members/transfers/{pending.pk}/accept/", {"on": iso(today())}
    )
    assert response.status_code == 403
    assert fresh(member).org == tree.branch


def test_it_answers_404_to_a_transfer_outside_both_sides(users, tree, member, pending, login):
    client = login(make_user(Role.SECRETARY, tree.far_branch, "stranger"))
    for answer in ("accept", "reject"):
        response = client.post(
            f"/members/transfers/{pending.pk}/{answer}/", {"on": iso(today()), "reason": "x"}
        )
        assert response.status_code == 404
    assert "张转接" not in text(client.get("/members/transfers/"))
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_it_answers_403_to_the_leader_on_accept(users, tree, member, pending, login):
    response = login(users.leader).post(
        f"/members/transfers/{pending.pk}/accept/", {"on": iso(today())}
    )
    assert response.status_code == 403
    assert fresh(member).org == tree.branch


def test_it_rejects_from_the_transfers_page_only_with_a_reason(users, tree, member, pending, login):
    client = login(users.outsider)
    response = client.post(
        f"/members/transfers/{pending.pk}/reject/", {"on": iso(today()), "reason": ""}, follow=True
    )
    assert "请填写退回原因" in text(response)
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING
    client.post(
        f"/members/transfers/{pending.pk}/reject/", {"on": iso(today()), "reason": "材料不全"}
    )
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.REJECTED
    assert "材料不全" in text(client.get("/members/transfers/?status=rejected"))
    assert fresh(member).org == tree.branch


def test_it_answers_404_to_an_unknown_answer(users, tree, member, pending, login):
    response = login(users.outsider).post(
        f"/members/transfers/{pending.pk}/delete/", {"on": iso(today()), "reason": "x"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_it_transfers_out_of_the_system_from_the_member_page(users, member, login):
    client = login(users.secretary)
    response = client.post(
        f"/members/{member.pk}/transfer-out/",
        {"destination": "外省某机关党委", "letter_number": "外转3号", "on": iso(today())},
    )
    assert response.status_code == 302
    assert fresh(member).status == Status.TRANSFERRED_OUT
    page = text(client.get(f"/members/{member.pk}/"))
    assert "外省某机关党委" in page


# --- GET /api/v1/transfers -------------------------------------------------------------------


def test_the_api_lists_a_pending_transfer_to_both_sides_in_pages(users, tree, member, pending, api):
    for who in (users.secretary, users.outsider):  # the sending and the receiving branch
        body = api(who).get("/api/v1/transfers").json()
        assert (body["count"], body["page"], body["page_size"]) == (1, 1, 50)
        assert [t["member_name"] for t in body["items"]] == [member.name]
    assert api(users.secretary).get("/api/v1/transfers?status=accepted").json()["count"] == 0
    assert api(users.secretary).get("/api/v1/transfers?page=2&page_size=1").json()["items"] == []


def test_the_api_hides_transfers_outside_both_sides(users, tree, member, pending, api):
    far_secretary = make_user(Role.SECRETARY, tree.far_branch)
    assert api(far_secretary).get("/api/v1/transfers").json()["count"] == 0
    response = api(far_secretary).post(
        f"/api/v1/transfers/{pending.id}/accept",
        data={"on": iso(today())},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_it_exports_the_transfers_ledger_of_its_own_side_only(users, tree, member, pending, login):
    import io

    from openpyxl import load_workbook

    response = login(users.outsider).get("/members/transfers/?status=pending&export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("姓名", "转出支部", "转入支部", "介绍信编号")
    assert [(r[0], r[2], r[5]) for r in rows[2:]] == [(member.name, "发改委第二党支部", "待接收")]
    assert AuditLog.objects.filter(action="transfer.export").count() == 1
    far_secretary = make_user(Role.SECRETARY, tree.far_branch)
    far = login(far_secretary).get("/members/transfers/?status=pending&export=1")
    assert list(load_workbook(io.BytesIO(far.content)).active.iter_rows(min_row=3)) == []
