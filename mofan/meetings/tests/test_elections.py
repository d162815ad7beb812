"""换届: the election record's checks, approval by the upper org only (it replaces the committee
and starts the new term of 3 or 5 years), rejection with a reason, the terms page, scope and the
audit."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.meetings.elections import (
    election_approve,
    election_record,
    election_reject,
    term_years,
    terms_expiring,
)
from mofan.meetings.models import Election
from mofan.orgs.models import CommitteePost as Post
from mofan.orgs.models import CommitteeSeat, Org
from mofan.orgs.services import committee_seat_add, org_dissolve

HELD_ON = date(2026, 3, 20)
ELECTED = [
    ("张伟", Post.SECRETARY, 20),
    ("李娜", Post.ORGANISATION, 18),
    ("王芳", Post.PUBLICITY, 15),
]


def text(response) -> str:
    return response.content.decode()


def today() -> date:
    return timezone.localdate()


def committee(org) -> list[tuple[str, str]]:
    return list(CommitteeSeat.objects.filter(org=org).values_list("name", "post"))


def set_term(org, start, end):
    Org.objects.filter(pk=org.pk).update(term_start=start, term_end=end)


def record(actor, org, **changes) -> Election:
    data = {
        "actor": actor,
        "org": org,
        "held_on": HELD_ON,
        "method": "competitive",
        "voters": 22,
        "ballots": 21,
        "elected": ELECTED,
    }
    data.update(changes)
    return election_record(**data)


@pytest.fixture
def sitting(tree):
    """The branch's committee before the election."""
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="赵强", post=Post.SECRETARY)
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="钱勇", post=Post.ORGANISATION)
    set_term(tree.branch, date(2023, 3, 1), date(2026, 3, 1))
    return tree.branch


# --- the record -------------------------------------------------------------------------------


def test_it_records_an_election_waiting_for_the_upper_org(users, tree, sitting):
    election = record(users.secretary, tree.branch)
    assert election.status == Election.Status.SUBMITTED
    assert list(election.elected.values_list("name", "post", "votes")) == ELECTED
    assert committee(tree.branch) == [("赵强", "secretary"), ("钱勇", "organisation")]
    assert Org.objects.get(pk=tree.branch.pk).term_end == date(2026, 3, 1)
    entry = AuditLog.objects.get(action="election.record")
    assert entry.username == "secretary"
    assert entry.target_id == str(tree.branch.pk)
    assert entry.detail == "2026-03-20 换届选举，当选 3 人，待上级批复"


def test_it_refuses_more_ballots_than_voters(users, tree):
    with pytest.raises(ApplicationError) as refused:
        record(users.secretary, tree.branch, voters=20, ballots=21)
    assert refused.value.message == "收回选票多于应到有选举权的党员"
    assert refused.value.field == "ballots"
    assert not Election.objects.exists()


@pytest.mark.parametrize(("voters", "ballots"), [(10, 7), (10, 8), (5, 4), (20, 16)])
def test_it_refuses_an_election_without_more_than_four_fifths_present(users, tree, voters, ballots):
    elected = [("张伟", Post.SECRETARY, ballots)]
    with pytest.raises(ApplicationError) as refused:
        record(users.secretary, tree.branch, voters=voters, ballots=ballots, elected=elected)
    assert refused.value.message == (
        f"到会有选举权的党员须超过应到会人数的五分之四：应到 {voters} 人，收回选票 {ballots} 张"
    )
    assert not Election.objects.exists()


@pytest.mark.parametrize(("voters", "ballots"), [(10, 9), (5, 5), (20, 17), (1, 1)])
def test_it_accepts_more_than_four_fifths_present(users, tree, voters, ballots):
    elected = [("张伟", Post.SECRETARY, ballots)]
    record(users.secretary, tree.branch, voters=voters, ballots=ballots, elected=elected)
    assert Election.objects.count() == 1


@pytest.mark.parametrize(
    "elected",
    [
        [("李娜", Post.ORGANISATION, 18)],
        [("张伟", Post.SECRETARY, 20), ("李娜", Post.SECRETARY, 18)],
    ],
    ids=["none", "two"],
)
def test_it_needs_exactly_one_secretary(users, tree, elected):
    with pytest.raises(ApplicationError, match="^须有且只有一名书记$"):
        record(users.secretary, tree.branch, elected=elected)
    assert not Election.objects.exists()


def test_it_needs_more_than_half_of_the_ballots_for_each_elected(users, tree):
    half = [("张伟", Post.SECRETARY, 20), ("李娜", Post.ORGANISATION, 10)]
    with pytest.raises(ApplicationError) as refused:
        record(users.secretary, tree.branch, voters=20, ballots=20, elected=half)
    assert refused.value.message == "李娜 得票 10，未超过收回选票 20 的半数，不能当选"
    assert not Election.objects.exists()
    more = [("张伟", Post.SECRETARY, 20), ("李娜", Post.ORGANISATION, 11)]
    record(users.secretary, tree.branch, voters=20, ballots=20, elected=more)


def test_it_refuses_an_empty_list_and_unknown_posts(users, tree):
    with pytest.raises(ApplicationError, match="请填写当选的委员"):
        record(users.secretary, tree.branch, elected=[])
    with pytest.raises(ApplicationError, match="李娜 的职务不正确"):
        record(
            users.secretary,
            tree.branch,
            elected=[("张伟", Post.SECRETARY, 20), ("李娜", "mayor", 20)],
        )
    assert not Election.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_lets_only_writers_of_the_org_record_an_election(users, tree, who):
    with pytest.raises(PermissionDenied):
        record(getattr(users, who), tree.branch)
    assert not Election.objects.exists()


# Every refusal comes before anything is written, so one database for all examples is fine.
ANY_NUMBERS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@ANY_NUMBERS
@given(voters=st.integers(1, 500), data=st.data())
def test_it_needs_more_than_four_fifths_of_the_voters_whatever_the_numbers(db, voters, data):
    """An empty list of the elected is the next refusal: reaching it means the four-fifths
    check passed."""
    ballots = data.draw(st.integers(0, voters))
    with pytest.raises(ApplicationError) as refused:
        election_record(
            actor=SYSTEM,
            org=Org(path="0001", name="测试支部"),
            held_on=HELD_ON,
            method="equal",
            voters=voters,
            ballots=ballots,
            elected=[],
        )
    four_fifths = refused.value.message.startswith("到会有选举权的党员须超过应到会人数的五分之四")
    assert four_fifths == (ballots * 5 <= voters * 4)


@ANY_NUMBERS
@given(ballots=st.integers(1, 500), data=st.data())
def test_it_needs_more_than_half_of_the_ballots_whatever_the_numbers(db, ballots, data):
    votes = data.draw(st.integers(0, ballots))
    elected = [("张伟", Post.SECRETARY, votes), ("李娜", "no-such-post", ballots)]
    with pytest.raises(ApplicationError) as refused:
        election_record(
            actor=SYSTEM,
            org=Org(path="0001", name="测试支部"),
            held_on=HELD_ON,
            method="equal",
            voters=ballots,
            ballots=ballots,
            elected=elected,
        )
    if votes * 2 > ballots:
        assert refused.value.message == "李娜 的职务不正确"  # 张伟 passed
    else:
        assert refused.value.message.startswith(
            f"张伟 得票 {votes}，未超过收回选票 {ballots} 的半数"
        )


# --- approval ---------------------------------------------------------------------------------


def test_it_replaces_the_committee_and_starts_a_three_year_term_for_a_branch(users, tree, sitting):
    election = record(users.secretary, tree.branch)
    org = election_approve(actor=users.unit_admin, election=election, on=date(2026, 4, 1))
    assert committee(tree.branch) == [(n, p) for n, p, _ in ELECTED]
    org = Org.objects.get(pk=org.pk)
    assert (org.term_start, org.term_end) == (HELD_ON, date(2029, 3, 20))
    election.refresh_from_db()
    assert election.status == Election.Status.APPROVED
    assert election.answered_on == date(2026, 4, 1)
    entry = AuditLog.objects.get(action="election.approve")
    assert entry.username == "unitadmin"
    assert entry.changes == {
        "committee": [
            ["赵强（书记）", "钱勇（组织委员）"],
            ["张伟（书记）", "李娜（组织委员）", "王芳（宣传委员）"],
        ],
        "term_end": [None, "2029-03-20"],
    }


def test_it_starts_a_five_year_term_for_an_organ_committee(users, tree):
    election = record(users.unit_admin, tree.unit)
    election_approve(actor=users.committee_admin, election=election, on=date(2026, 4, 1))
    unit = Org.objects.get(pk=tree.unit.pk)
    assert (unit.term_start, unit.term_end) == (HELD_ON, date(2031, 3, 20))


def test_it_gives_the_term_years_by_org_type(tree):
    assert [term_years(o) for o in (tree.branch, tree.far_unit, tree.unit, tree.committee)] == [
        3,
        3,
        5,
        5,
    ]


def test_it_ends_a_term_begun_on_29_february_on_28_february(users, tree):
    election = record(users.secretary, tree.branch, held_on=date(2024, 2, 29))
    election_approve(actor=users.committee_admin, election=election, on=date(2024, 3, 5))
    assert Org.objects.get(pk=tree.branch.pk).term_end == date(2027, 2, 28)


@pytest.mark.parametrize("who", ["secretary", "leader", "outsider", "member"])
def test_it_lets_only_an_admin_of_the_upper_org_approve(users, tree, sitting, who):
    election = record(users.secretary, tree.branch)
    with pytest.raises(PermissionDenied):
        election_approve(actor=getattr(users, who), election=election, on=today())
    with pytest.raises(PermissionDenied):
        election_reject(actor=getattr(users, who), election=election, on=today(), note="不符合")
    assert committee(tree.branch) == [("赵强", "secretary"), ("钱勇", "organisation")]
    assert Election.objects.get().status == Election.Status.SUBMITTED


def test_it_refuses_the_admin_of_the_org_itself_approving_its_own_election(users, tree):
    election = record(users.unit_admin, tree.unit)
    with pytest.raises(PermissionDenied, match="须由上级党组织批复"):
        election_approve(actor=users.unit_admin, election=election, on=today())
    assert Org.objects.get(pk=tree.unit.pk).term_end is None


def test_it_answers_an_election_only_once(users, tree):
    election = record(users.secretary, tree.branch)
    election_approve(actor=users.unit_admin, election=election, on=today())
    with pytest.raises(ApplicationError, match="该选举结果已批复"):
        election_approve(actor=users.committee_admin, election=election, on=today())
    with pytest.raises(ApplicationError, match="该选举结果已批复"):
        election_reject(actor=users.committee_admin, election=election, on=today(), note="重选")


def test_it_rejects_only_with_a_reason_and_keeps_the_committee(users, tree, sitting):
    election = record(users.secretary, tree.branch)
    with pytest.raises(ApplicationError) as refused:
        election_reject(actor=users.unit_admin, election=election, on=today(), note="  ")
    assert refused.value.message == "请填写不予批准的原因"
    assert refused.value.field == "note"
    election_reject(
        actor=users.unit_admin, election=election, on=date(2026, 4, 2), note=" 候选人未经酝酿 "
    )
    election.refresh_from_db()
    assert (election.status, election.answer_note) == (Election.Status.REJECTED, "候选人未经酝酿")
    assert committee(tree.branch) == [("赵强", "secretary"), ("钱勇", "organisation")]
    assert Org.objects.get(pk=tree.branch.pk).term_end == date(2026, 3, 1)
    entry = AuditLog.objects.get(action="election.reject")
    assert (entry.username, entry.detail) == ("unitadmin", "候选人未经酝酿")


# --- terms ------------------------------------------------------------------------------------


def test_it_lists_terms_ending_within_90_days_or_overdue(tree, users):
    now = today()
    set_term(tree.branch, now - timedelta(days=1000), now + timedelta(days=90))
    set_term(tree.other_branch, now - timedelta(days=1000), now + timedelta(days=91))
    set_term(tree.far_branch, now - timedelta(days=1100), now - timedelta(days=1))
    set_term(tree.unit, now - timedelta(days=1500), now + timedelta(days=10))
    expiring = terms_expiring(Org.objects.all(), now)
    assert [o.name for o in expiring] == [
        "民政局第一党支部",
        "市发改委机关党委",
        "发改委第一党支部",
    ]
    org_dissolve(actor=SYSTEM, org=Org.objects.get(pk=tree.far_branch.pk), reason="机构改革")
    assert tree.far_branch.name not in [o.name for o in terms_expiring(Org.objects.all(), now)]


def test_it_shows_the_terms_page_within_the_users_scope(tree, users, login):
    now = today()
    set_term(tree.branch, now - timedelta(days=1000), now + timedelta(days=30))
    set_term(tree.other_branch, now - timedelta(days=1200), now - timedelta(days=5))
    set_term(tree.far_branch, now - timedelta(days=1000), now + timedelta(days=200))
    page = text(login(users.unit_admin).get("/meetings/terms/"))
    assert "发改委第一党支部" in page and "即将届满" in page
    assert "发改委第二党支部" in page and "已逾期" in page
    assert "民政局第一党支部" not in page
    assert f"/meetings/terms/{tree.branch.id}/election/" in page

    outsider = text(login(users.outsider).get("/meetings/terms/"))
    assert "发改委第一党支部" not in outsider and "发改委第二党支部" in outsider
    assert "民政局" not in text(login(users.secretary).get("/meetings/terms/"))


def test_it_exports_the_terms_reminder_within_the_users_scope(tree, users, login):
    now = today()
    set_term(tree.branch, now - timedelta(days=1000), now + timedelta(days=30))
    set_term(tree.other_branch, now - timedelta(days=1200), now - timedelta(days=5))
    set_term(tree.far_branch, now - timedelta(days=1000), now + timedelta(days=20))
    response = login(users.unit_admin).get("/meetings/terms/?export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("组织", "本届任期开始", "本届任期届满", "情况")
    assert [(r[0], r[3]) for r in rows[2:]] == [
        ("发改委第二党支部", "已逾期"),
        ("发改委第一党支部", "即将届满"),
    ]
    assert AuditLog.objects.filter(action="election.terms_export").count() == 1
    outsider = login(users.outsider).get("/meetings/terms/?export=1")
    names = [
        r[0]
        for r in load_workbook(io.BytesIO(outsider.content)).active.iter_rows(
            min_row=3, values_only=True
        )
    ]
    assert names == ["发改委第二党支部"]


def test_it_drops_an_org_from_the_terms_page_once_its_new_term_is_approved(tree, users, login):
    set_term(tree.branch, date(2023, 3, 1), today() - timedelta(days=3))
    election = record(users.secretary, tree.branch, held_on=today())
    page = text(login(users.unit_admin).get("/meetings/terms/"))
    assert "已逾期" in page
    assert f"/meetings/elections/{election.id}/" in page  # waiting for an answer
    election_approve(actor=users.unit_admin, election=election, on=today())
    page = text(login(users.unit_admin).get("/meetings/terms/"))
    assert "发改委第一党支部" not in page


# --- pages ------------------------------------------------------------------------------------


def election_form(**changes) -> dict:
    data = {
        "held_on": "2026-03-20",
        "method": "competitive",
        "voters": "22",
        "ballots": "21",
        "elected": "张伟 书记 20\n李娜 组织委员 18\n\n王芳 宣传委员 15\n",
    }
    data.update(changes)
    return data


def test_it_records_an_election_on_the_page(tree, users, login):
    client = login(users.secretary)
    url = f"/meetings/terms/{tree.branch.id}/election/"
    page = client.get(url)
    assert page.status_code == 200
    assert "发改委第一党支部 · 换届选举" in text(page)
    response = client.post(url, election_form())
    election = Election.objects.get()
    assert response["Location"] == f"/meetings/elections/{election.id}/"
    assert list(election.elected.values_list("name", "post", "votes")) == ELECTED

    detail = text(client.get(response["Location"]))
    assert "待上级批复" in detail
    assert "张伟（书记）20 票" in detail and "李娜（组织委员）18 票" in detail
    assert "批准" not in detail  # the branch cannot answer its own election


def test_it_keeps_the_input_when_a_line_or_a_rule_is_wrong(tree, users, login):
    client = login(users.secretary)
    url = f"/meetings/terms/{tree.branch.id}/election/"
    bad_line = text(client.post(url, election_form(elected="张伟 书记 20\n李娜 组织委员")))
    assert "第 2 行应为“姓名 职务 得票”，如“张伟 书记 23”" in bad_line
    assert "李娜 组织委员</textarea>" in bad_line
    too_few = text(client.post(url, election_form(voters="22", ballots="17")))
    assert "须超过应到会人数的五分之四：应到 22 人，收回选票 17 张" in too_few
    assert 'value="17"' in too_few
    assert not Election.objects.exists()


def test_it_answers_404_to_an_outsider_on_the_election_pages(tree, users, login):
    election = record(users.secretary, tree.branch)
    client = login(users.outsider)
    url = f"/meetings/terms/{tree.branch.id}/election/"
    assert client.get(url).status_code == 404
    assert client.post(url, election_form()).status_code == 404
    assert client.get(f"/meetings/elections/{election.id}/").status_code == 404
    response = client.post(
        f"/meetings/elections/{election.id}/", {"on": "2026-04-01", "answer": "approve"}
    )
    assert response.status_code == 404
    assert client.get("/meetings/elections/999999/").status_code == 404
    assert Election.objects.get().status == Election.Status.SUBMITTED


@pytest.mark.parametrize("who", ["leader", "member"])
def test_it_answers_403_to_read_only_users_on_the_election_pages(tree, users, login, who):
    election = record(users.secretary, tree.branch)
    client = login(getattr(users, who))
    url = f"/meetings/terms/{tree.branch.id}/election/"
    assert client.get(url).status_code == 403
    assert client.post(url, election_form()).status_code == 403
    assert client.get(f"/meetings/elections/{election.id}/").status_code == 200
    response = client.post(
        f"/meetings/elections/{election.id}/", {"on": "2026-04-01", "answer": "approve"}
    )
    assert response.status_code == 403
    assert Election.objects.count() == 1
    assert Election.objects.get().status == Election.Status.SUBMITTED


def test_it_refuses_the_branch_secretary_approving_on_the_page(tree, users, login, sitting):
    election = record(users.secretary, tree.branch)
    response = login(users.secretary).post(
        f"/meetings/elections/{election.id}/", {"on": "2026-04-01", "answer": "approve"}
    )
    assert response.status_code == 403
    assert committee(tree.branch) == [("赵强", "secretary"), ("钱勇", "organisation")]


def test_it_approves_on_the_page_as_the_upper_org(tree, users, login, sitting):
    election = record(users.secretary, tree.branch)
    client = login(users.unit_admin)
    page = text(client.get(f"/meetings/elections/{election.id}/"))
    assert "批准" in page and "不予批准" in page
    response = client.post(
        f"/meetings/elections/{election.id}/", {"on": "2026-04-01", "answer": "approve"}
    )
    assert response["Location"] == f"/meetings/elections/{election.id}/"
    assert committee(tree.branch) == [(n, p) for n, p, _ in ELECTED]
    assert Org.objects.get(pk=tree.branch.pk).term_end == date(2029, 3, 20)
    answered = text(client.get(response["Location"]))
    assert "已批复" in answered and "2026-04-01" in answered
    assert 'value="approve"' not in answered


def test_it_asks_for_a_reason_before_rejecting_on_the_page(tree, users, login, sitting):
    election = record(users.secretary, tree.branch)
    client = login(users.unit_admin)
    url = f"/meetings/elections/{election.id}/"
    page = text(client.post(url, {"on": "2026-04-01", "answer": "reject", "note": ""}))
    assert "请填写不予批准的原因" in page
    assert Election.objects.get().status == Election.Status.SUBMITTED
    client.post(url, {"on": "2026-04-01", "answer": "reject", "note": "差额比例不足"})
    election.refresh_from_db()
    assert (election.status, election.answer_note) == (Election.Status.REJECTED, "差额比例不足")
    assert "差额比例不足" in text(client.get(url))
    assert committee(tree.branch) == [("赵强", "secretary"), ("钱勇", "organisation")]


def test_it_refuses_to_approve_the_election_of_a_dissolved_org(users, tree, sitting):
    from mofan.orgs.models import Org

    election = record(users.secretary, tree.branch)
    Org.objects.filter(pk=tree.group.pk).update(dissolved_on=today())
    Org.objects.filter(pk=tree.branch.pk).update(dissolved_on=today())
    election.org.refresh_from_db()
    with pytest.raises(ApplicationError, match="已撤销"):
        election_approve(actor=users.unit_admin, election=election, on=today())
