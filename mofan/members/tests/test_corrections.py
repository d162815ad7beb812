"""A member proposes corrections of their own phone and address; the branch's secretary is
told, accepts (the record changes, audited) or rejects with a reason; the member is told."""

import pytest
from django.core.exceptions import PermissionDenied

from mofan.core.access import Role
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.corrections import correction_accept, correction_propose, correction_reject
from mofan.members.models import Correction, Member
from mofan.notifications.models import Notification
from mofan.site.tests.factories import make_user


def text(response):
    return response.content.decode()


@pytest.fixture
def me(tree, users, make_member, link):
    member = make_member(tree.branch, name="本人", phone="13800001111")
    return link(member, users.member)


def propose(users, me, phone="13900002222", address="市府路 1 号"):
    return correction_propose(actor=users.member, member=me, phone=phone, address=address)


def test_a_member_proposes_and_the_secretary_is_told(users, me):
    correction = propose(users, me)
    assert correction.changes == {
        "联系电话": ["13800001111", "13900002222"],
        "通讯地址": ["", "市府路 1 号"],
    }
    assert Member.objects.get(pk=me.pk).phone == "13800001111"  # nothing changes yet
    note = Notification.objects.get(user=users.secretary)
    assert "本人" in note.title and note.link == "/members/corrections/"
    assert AuditLog.objects.filter(action="member.correction_propose", user=users.member).exists()


def test_accepting_changes_the_record_and_tells_the_member(users, me):
    correction = correction_accept(actor=users.secretary, correction=propose(users, me))
    member = Member.objects.get(pk=me.pk)
    assert (member.phone, member.address) == ("13900002222", "市府路 1 号")
    assert (
        correction.status == Correction.Status.ACCEPTED and correction.decided_by == users.secretary
    )
    assert AuditLog.objects.get(action="member.update").changes["phone"] == [
        "13800001111",
        "13900002222",
    ]
    assert Notification.objects.get(user=users.member).title == "您的信息更正申请已采纳"


def test_rejecting_needs_a_reason_and_tells_the_member(users, me):
    correction = propose(users, me)
    with pytest.raises(ApplicationError, match="原因"):
        correction_reject(actor=users.secretary, correction=correction, reason=" ")
    correction_reject(actor=users.secretary, correction=correction, reason="号码有误")
    assert Member.objects.get(pk=me.pk).phone == "13800001111"
    assert "号码有误" in Notification.objects.get(user=users.member).body
    with pytest.raises(ApplicationError, match="已处理（未采纳）"):
        correction_accept(actor=users.secretary, correction=correction)


def test_only_the_member_themselves_proposes_and_one_at_a_time(tree, users, me, make_member):
    with pytest.raises(PermissionDenied):
        correction_propose(actor=users.secretary, member=me, phone="13900002222", address="")
    other = make_member(tree.branch)
    with pytest.raises(PermissionDenied):
        correction_propose(actor=users.member, member=other, phone="13900002222", address="")
    propose(users, me)
    with pytest.raises(ApplicationError, match="待处理"):
        propose(users, me, phone="13900003333")


def test_it_refuses_a_proposal_that_changes_nothing_or_a_bad_phone(users, me):
    with pytest.raises(ApplicationError, match="没有需要更正"):
        propose(users, me, phone="13800001111", address="")
    with pytest.raises(ApplicationError, match="联系电话"):
        propose(users, me, phone="电话号码")
    assert not Correction.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_only_those_who_record_the_branch_decide(users, me, who):
    correction = propose(users, me)
    with pytest.raises(PermissionDenied):
        correction_accept(actor=getattr(users, who), correction=correction)
    with pytest.raises(PermissionDenied):
        correction_reject(actor=getattr(users, who), correction=correction, reason="不")
    assert Correction.objects.get().status == Correction.Status.PENDING


# --- pages ---------------------------------------------------------------------------------


def test_the_member_proposes_on_the_page_and_typed_values_stay_on_error(users, me, login):
    client = login(users.member)
    assert "申请更正电话、地址" in text(client.get(f"/members/{me.id}/"))
    page = client.get(f"/members/{me.id}/correction/")
    assert page.status_code == 200 and 'value="13800001111"' in text(page)
    bad = client.post(f"/members/{me.id}/correction/", {"phone": "abc", "address": "新地址 8 号"})
    assert bad.status_code == 200
    assert "联系电话只能包含数字" in text(bad) and "新地址 8 号" in text(bad)
    good = client.post(f"/members/{me.id}/correction/", {"phone": "13900002222", "address": ""})
    assert good.status_code == 302 and good["Location"] == "/mine/"
    assert Correction.objects.get().phone == "13900002222"


def test_nobody_else_proposes_for_a_member(tree, users, me, login):
    assert login(users.secretary).get(f"/members/{me.id}/correction/").status_code == 403
    assert login(users.outsider).get(f"/members/{me.id}/correction/").status_code == 404
    stranger = make_user(Role.MEMBER, tree.other_branch)
    assert login(stranger).post(f"/members/{me.id}/correction/", {"phone": "1"}).status_code == 404


def test_the_secretary_accepts_on_the_page(users, me, login):
    correction = propose(users, me)
    client = login(users.secretary)
    listing = text(client.get("/members/corrections/"))
    assert "13900002222" in listing and "采纳" in listing
    response = client.post(f"/members/corrections/{correction.id}/accept/")
    assert response.status_code == 302
    assert Member.objects.get(pk=me.pk).phone == "13900002222"


def test_the_secretary_rejects_on_the_page_with_a_reason(users, me, login):
    correction = propose(users, me)
    client = login(users.secretary)
    without = client.post(
        f"/members/corrections/{correction.id}/reject/", {"reason": ""}, follow=True
    )
    assert "请填写未采纳原因" in text(without)
    client.post(f"/members/corrections/{correction.id}/reject/", {"reason": "请提供证明"})
    assert Correction.objects.get().reason == "请提供证明"


def test_the_corrections_pages_answer_404_to_outsiders_and_403_to_read_only_users(users, me, login):
    correction = propose(users, me)
    outsider = login(users.outsider)
    assert correction.member.name not in text(outsider.get("/members/corrections/"))
    assert outsider.post(f"/members/corrections/{correction.id}/accept/").status_code == 404
    assert login(users.leader).get("/members/corrections/").status_code == 403
    assert (
        login(users.member).post(f"/members/corrections/{correction.id}/accept/").status_code == 403
    )
    assert Correction.objects.get().status == Correction.Status.PENDING


# --- API -----------------------------------------------------------------------------------


def test_the_api_proposes_lists_and_decides(users, me, api):
    proposed = api(users.member).post(
        "/api/v1/members/me/corrections",
        {"phone": "13900002222", "address": "市府路 1 号"},
        content_type="application/json",
    )
    assert proposed.status_code == 201, proposed.content
    correction_id = proposed.json()["id"]
    assert (
        api(users.outsider).post(f"/api/v1/members/corrections/{correction_id}/accept").status_code
        == 404
    )
    secretary = api(users.secretary)
    assert secretary.get("/api/v1/members/corrections?status=pending").json()["count"] == 1
    accepted = secretary.post(f"/api/v1/members/corrections/{correction_id}/accept")
    assert accepted.json()["status"] == "accepted"


def test_the_api_answers_400_and_403(users, me, api):
    bad = api(users.member).post(
        "/api/v1/members/me/corrections",
        {"phone": "13800001111", "address": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "没有需要更正" in bad.json()["detail"]
    unlinked = api(users.secretary).post(
        "/api/v1/members/me/corrections",
        {"phone": "1390000", "address": ""},
        content_type="application/json",
    )
    assert unlinked.status_code == 403
