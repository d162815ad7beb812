"""转正, extension of probation and status changes: the rules, the pages, the timeline, the audit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.core.dates import add_months
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.lifecycle import (
    member_extend_probation,
    member_make_full,
    member_set_status,
)
from mofan.members.models import Category, Member, MemberEvent, Status

ACTIONS = ["make-full", "extend", "transfer", "transfer-out", "status"]


def today() -> date:
    return timezone.localdate()


def fresh(member) -> Member:
    return Member.objects.get(pk=member.pk)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def probationary(tree, make_member):
    """make a 预备党员 of the branch who joined on `joined_on`."""

    def _make(joined_on: date, **fields):
        return make_member(
            tree.branch, category=Category.PROBATIONARY, joined_on=joined_on, **fields
        )

    return _make


# --- 转正 -------------------------------------------------------------------------------------


def test_it_refuses_make_full_before_one_year_naming_the_dates(users, probationary):
    joined = add_months(today(), -6)
    member = probationary(joined)
    with pytest.raises(ApplicationError) as refused:
        member_make_full(actor=users.secretary, member=member, on=today(), meeting="支部党员大会")
    message = refused.value.message
    assert f"{joined:%Y-%m-%d}" in message
    assert f"{add_months(joined, 12):%Y-%m-%d}" in message
    assert "不能转正" in message
    assert fresh(member).category == Category.PROBATIONARY
    assert not AuditLog.objects.filter(action="member.make_full").exists()


def test_it_refuses_make_full_the_day_before_the_year_is_over(users, probationary):
    joined = add_months(today(), -14)
    member = probationary(joined)
    ends = add_months(joined, 12)
    with pytest.raises(ApplicationError):
        member_make_full(
            actor=users.secretary, member=member, on=ends - timedelta(days=1), meeting="支部大会"
        )
    assert fresh(member).full_member_on is None


def test_it_makes_full_on_the_day_probation_ends(users, probationary):
    joined = add_months(today(), -14)
    member = probationary(joined)
    ends = add_months(joined, 12)
    member_make_full(actor=users.secretary, member=member, on=ends, meeting="七月支部党员大会")
    member = fresh(member)
    assert member.category == Category.FULL
    assert member.full_member_on == ends
    event = member.events.get(kind=MemberEvent.Kind.BECAME_FULL)
    assert event.on == ends
    assert "七月支部党员大会" in event.detail
    entry = AuditLog.objects.get(action="member.make_full")
    assert entry.user == users.secretary
    assert entry.target_id == str(member.pk)
    assert entry.changes["category"] == ["预备党员", "正式党员"]


def test_it_refuses_a_make_full_date_in_the_future(users, probationary):
    member = probationary(add_months(today(), -13))
    with pytest.raises(ApplicationError, match="晚于今天"):
        member_make_full(
            actor=users.secretary,
            member=member,
            on=today() + timedelta(days=1),
            meeting="支部党员大会",
        )
    assert fresh(member).category == Category.PROBATIONARY


def test_it_refuses_to_make_a_full_member_full_again(users, tree, make_member):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError, match="已是正式党员"):
        member_make_full(actor=users.secretary, member=member, on=today(), meeting="支部大会")
    assert fresh(member).full_member_on == date(2011, 7, 1)


def test_it_requires_the_meeting_that_decided(users, probationary):
    member = probationary(add_months(today(), -13))
    with pytest.raises(ApplicationError) as refused:
        member_make_full(actor=users.secretary, member=member, on=today(), meeting="  ")
    assert refused.value.field == "meeting"


def test_it_refuses_make_full_by_a_secretary_of_another_branch(users, probationary):
    member = probationary(add_months(today(), -13))
    with pytest.raises(PermissionDenied):
        member_make_full(actor=users.outsider, member=member, on=today(), meeting="支部大会")
    assert fresh(member).category == Category.PROBATIONARY


# --- extension of probation -----------------------------------------------------------------


def test_it_pushes_the_earliest_make_full_date_by_the_extension(users, probationary):
    joined = add_months(today(), -20)
    member = probationary(joined)
    member_extend_probation(
        actor=users.secretary, member=member, months=6, on=add_months(joined, 12), reason="考察不够"
    )
    one_year = add_months(joined, 12)
    with pytest.raises(ApplicationError) as refused:
        member_make_full(actor=users.secretary, member=member, on=one_year, meeting="支部大会")
    assert "含延长期" in refused.value.message
    assert f"{add_months(joined, 18):%Y-%m-%d}" in refused.value.message
    member_make_full(
        actor=users.secretary, member=member, on=add_months(joined, 18), meeting="支部大会"
    )
    assert fresh(member).category == Category.FULL


def test_it_records_the_extension_in_the_timeline_and_the_audit(users, probationary):
    member = probationary(add_months(today(), -12))
    member_extend_probation(
        actor=users.secretary, member=member, months=12, on=today(), reason="未认真履行党员义务"
    )
    event = fresh(member).events.get(kind=MemberEvent.Kind.PROBATION_EXTENDED)
    assert "12 个月" in event.detail
    assert "未认真履行党员义务" in event.detail
    entry = AuditLog.objects.get(action="member.extend_probation")
    assert entry.changes == {"probation_extended_months": [0, 12]}


@pytest.mark.parametrize("months", [5, 13, 0])
def test_it_refuses_an_extension_outside_6_to_12_months(users, probationary, months):
    member = probationary(add_months(today(), -12))
    with pytest.raises(ApplicationError, match="6–12 个月"):
        member_extend_probation(
            actor=users.secretary, member=member, months=months, on=today(), reason="原因"
        )
    assert fresh(member).probation_extended_months == 0


def test_it_extends_probation_only_once(users, probationary):
    member = probationary(add_months(today(), -12))
    member_extend_probation(actor=users.secretary, member=member, months=6, on=today(), reason="一")
    with pytest.raises(ApplicationError, match="只能延长一次"):
        member_extend_probation(
            actor=users.secretary, member=member, months=6, on=today(), reason="二"
        )
    assert fresh(member).probation_extended_months == 6


def test_it_requires_a_reason_for_the_extension(users, probationary):
    member = probationary(add_months(today(), -12))
    with pytest.raises(ApplicationError) as refused:
        member_extend_probation(
            actor=users.secretary, member=member, months=6, on=today(), reason=""
        )
    assert refused.value.field == "reason"
    assert not MemberEvent.objects.filter(kind=MemberEvent.Kind.PROBATION_EXTENDED).exists()


def test_it_refuses_to_extend_the_probation_of_a_full_member(users, tree, make_member):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError, match="只有预备党员"):
        member_extend_probation(
            actor=users.secretary, member=member, months=6, on=today(), reason="x"
        )


# --- status changes -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.EXPELLED, Status.DECEASED])
def test_it_requires_a_reason_to_end_membership(users, tree, make_member, status):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError) as refused:
        member_set_status(
            actor=users.secretary, member=member, status=status, on=today(), reason=""
        )
    assert refused.value.field == "reason"
    assert fresh(member).status == Status.NORMAL


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.EXPELLED, Status.DECEASED])
def test_it_keeps_the_record_of_a_member_who_left_as_history(
    users, tree, make_member, login, status
):
    member = make_member(tree.branch, name="离开者")
    member_set_status(
        actor=users.secretary, member=member, status=status, on=today(), reason="依据支部决定"
    )
    member = fresh(member)
    assert member.status == status
    event = member.events.get(kind=MemberEvent.Kind.STATUS)
    assert "依据支部决定" in event.detail
    assert AuditLog.objects.filter(action="member.status", target_id=str(member.pk)).exists()
    client = login(users.secretary)
    assert "离开者" not in text(client.get("/members/"))
    assert "离开者" in text(client.get("/members/?status=history"))
    page = text(client.get(f"/members/{member.pk}/"))
    assert member.get_status_display() in page
    assert "依据支部决定" in page


def test_it_refuses_any_further_change_to_a_member_who_left(users, tree, make_member):
    member = make_member(tree.branch)
    member_set_status(
        actor=users.secretary, member=member, status=Status.DECEASED, on=today(), reason="病故"
    )
    with pytest.raises(ApplicationError, match="已去世"):
        member_set_status(
            actor=users.secretary, member=member, status=Status.NORMAL, on=today(), reason=""
        )
    assert fresh(member).status == Status.DECEASED


@pytest.mark.parametrize("status", [Status.MOBILE, Status.LOST])
def test_it_flags_mobile_and_lost_members_who_stay_on_the_roll(
    users, tree, make_member, login, status
):
    member = make_member(tree.branch, name="外出务工者")
    member_set_status(actor=users.secretary, member=member, status=status, on=today(), reason="")
    assert fresh(member).status == status
    page = text(login(users.secretary).get("/members/"))
    assert "外出务工者" in page
    assert Status(status).label in page
    member_set_status(
        actor=users.secretary, member=member, status=Status.NORMAL, on=today(), reason=""
    )
    assert fresh(member).status == Status.NORMAL
    assert fresh(member).events.filter(kind=MemberEvent.Kind.STATUS).count() == 2


def test_it_refuses_setting_the_status_a_member_already_has(users, tree, make_member):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError, match="已是“正常”"):
        member_set_status(
            actor=users.secretary, member=member, status=Status.NORMAL, on=today(), reason=""
        )


def test_it_refuses_transferred_out_as_a_plain_status_change(users, tree, make_member):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError):
        member_set_status(
            actor=users.secretary,
            member=member,
            status=Status.TRANSFERRED_OUT,
            on=today(),
            reason="x",
        )
    assert fresh(member).status == Status.NORMAL


# --- pages ----------------------------------------------------------------------------------


def test_it_makes_full_from_the_page_and_shows_it_in_the_timeline(users, probationary, login):
    joined = add_months(today(), -13)
    member = probationary(joined)
    client = login(users.secretary)
    assert client.get(f"/members/{member.pk}/make-full/").status_code == 200
    response = client.post(
        f"/members/{member.pk}/make-full/",
        {"on": f"{today():%Y-%m-%d}", "meeting": "十一月支部党员大会"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.pk}/"
    page = text(client.get(f"/members/{member.pk}/"))
    assert "转为正式党员" in page
    assert "十一月支部党员大会" in page
    assert fresh(member).full_member_on == today()


def test_it_reshows_the_refusal_on_the_make_full_page(users, probationary, login):
    joined = add_months(today(), -3)
    member = probationary(joined)
    response = login(users.secretary).post(
        f"/members/{member.pk}/make-full/",
        {"on": f"{today():%Y-%m-%d}", "meeting": "支部党员大会"},
    )
    assert response.status_code == 200
    page = text(response)
    assert f"{add_months(joined, 12):%Y-%m-%d} 届满" in page
    assert page.count("尚未届满，不能转正") == 2  # in the error summary and under its field
    assert 'value="支部党员大会"' in page
    assert fresh(member).category == Category.PROBATIONARY


def test_it_extends_probation_from_the_page(users, probationary, login):
    member = probationary(add_months(today(), -12))
    response = login(users.secretary).post(
        f"/members/{member.pk}/extend/",
        {"months": "9", "on": f"{today():%Y-%m-%d}", "reason": "需要继续考察"},
    )
    assert response.status_code == 302
    assert fresh(member).probation_extended_months == 9


def test_it_offers_only_6_to_12_months_on_the_extension_page(users, probationary, login):
    member = probationary(add_months(today(), -12))
    client = login(users.secretary)
    for months in ("5", "13"):
        response = client.post(
            f"/members/{member.pk}/extend/",
            {"months": months, "on": f"{today():%Y-%m-%d}", "reason": "需要继续考察"},
        )
        assert response.status_code == 200
    assert fresh(member).probation_extended_months == 0


def test_it_changes_the_status_from_the_page_and_reshows_a_missing_reason(
    users, tree, make_member, login
):
    member = make_member(tree.branch)
    client = login(users.secretary)
    response = client.post(
        f"/members/{member.pk}/status/",
        {"status": Status.EXPELLED, "on": f"{today():%Y-%m-%d}", "reason": ""},
    )
    assert response.status_code == 200
    assert "请填写原因或依据" in text(response)
    assert fresh(member).status == Status.NORMAL
    response = client.post(
        f"/members/{member.pk}/status/",
        {"status": Status.EXPELLED, "on": f"{today():%Y-%m-%d}", "reason": "严重违纪"},
    )
    assert response.status_code == 302
    assert fresh(member).status == Status.EXPELLED


@pytest.mark.parametrize("action", ACTIONS)
def test_it_answers_404_to_a_secretary_of_another_branch(users, probationary, login, action):
    member = probationary(add_months(today(), -13))
    client = login(users.outsider)
    assert client.get(f"/members/{member.pk}/{action}/").status_code == 404
    data = {"on": f"{today():%Y-%m-%d}", "meeting": "会", "status": "deceased", "reason": "r"}
    assert client.post(f"/members/{member.pk}/{action}/", data).status_code == 404
    assert fresh(member).status == Status.NORMAL
    assert fresh(member).category == Category.PROBATIONARY


@pytest.mark.parametrize("action", ACTIONS)
def test_it_answers_403_to_read_only_users(users, probationary, login, action):
    member = probationary(add_months(today(), -13))
    data = {"on": f"{today():%Y-%m-%d}", "meeting": "会", "status": "deceased", "reason": "r"}
    # A plain member of the branch does not even see another member's record.
    for user, status in ((users.leader, 403), (users.member, 404)):
        client = login(user)
        assert client.get(f"/members/{member.pk}/{action}/").status_code == status
        assert client.post(f"/members/{member.pk}/{action}/", data).status_code == status
    assert fresh(member).status == Status.NORMAL
    assert fresh(member).category == Category.PROBATIONARY


def test_it_answers_404_to_an_unknown_action(users, tree, make_member, login):
    member = make_member(tree.branch)
    assert login(users.secretary).get(f"/members/{member.pk}/promote/").status_code == 404


def test_it_lets_the_unit_admin_act_on_members_below(users, probationary, login):
    member = probationary(add_months(today(), -13))
    response = login(users.unit_admin).post(
        f"/members/{member.pk}/make-full/",
        {"on": f"{today():%Y-%m-%d}", "meeting": "支部党员大会"},
    )
    assert response.status_code == 302
    assert fresh(member).category == Category.FULL
