"""Concurrent writes keep the meetings' rules (issue 9 §4): two secretaries grading at once
cannot together pass the one-third limit of 优秀, a year's appraisal round is opened once, and
an election result is answered once and leaves one committee. PostgreSQL only: SQLite runs one
writer at a time, so these races cannot happen there."""

from datetime import date

import pytest

from mofan.core.access import SYSTEM
from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals
from mofan.meetings.appraisal import appraisal_grade, appraisal_open
from mofan.meetings.elections import election_approve, election_record, election_reject
from mofan.meetings.models import AppraisalRound, Election, Grade
from mofan.orgs.models import CommitteePost as Post
from mofan.orgs.models import CommitteeSeat, Org
from mofan.orgs.services import committee_seat_add

pytestmark = POSTGRES_ONLY

YEAR = 2025
HELD_ON = date(2025, 12, 10)
ELECTED_ON = date(2026, 3, 20)
ANSWERED_ON = date(2026, 4, 1)


# --- 民主评议 ----------------------------------------------------------------------------------


def test_two_secretaries_grading_at_once_keep_excellent_within_a_third(users, tree, make_member):
    fulls = [make_member(tree.branch, name=f"正式{i:02d}") for i in range(6)]  # at most 2 优秀
    round_ = appraisal_open(actor=users.secretary, org=tree.branch, year=YEAR, held_on=HELD_ON)

    def grade(members):
        def call():
            fresh = AppraisalRound.objects.get(pk=round_.pk)
            return appraisal_grade(
                actor=users.secretary,
                round_=fresh,
                grades={m.id: Grade.EXCELLENT for m in members},
            )

        return call

    results = at_once([grade(fulls[:2]), grade(fulls[2:4])])
    reasons = refusals(results)
    assert len(reasons) == 1, results
    assert reasons[0].startswith("评为优秀的党员不能超过参评正式党员的三分之一")
    saved = dict(round_.results.values_list("member__name", "grade"))
    assert sum(1 for g in saved.values() if g == Grade.EXCELLENT) == 2
    # the accepted secretary's grades are kept, not overwritten by the refused one
    assert [saved[m.name] for m in fulls[:2]] in (["excellent"] * 2, ["", ""])
    assert [saved[m.name] for m in fulls[2:4]] in (["excellent"] * 2, ["", ""])


def test_opening_the_same_years_appraisal_at_once_opens_one_round(users, tree, make_member):
    make_member(tree.branch, name="正式甲")

    def call():
        org = Org.objects.get(pk=tree.branch.pk)
        return appraisal_open(actor=users.secretary, org=org, year=YEAR, held_on=HELD_ON)

    results = at_once([call for _ in range(3)])
    assert refusals(results) == [f"{tree.branch.name} {YEAR} 年的民主评议已经建立"] * 2
    assert AppraisalRound.objects.filter(org=tree.branch, year=YEAR).count() == 1


# --- 换届选举 ----------------------------------------------------------------------------------


def elect(users, tree, secretary="张伟"):
    return election_record(
        actor=users.secretary,
        org=tree.branch,
        held_on=ELECTED_ON,
        method="competitive",
        voters=22,
        ballots=21,
        elected=[(secretary, Post.SECRETARY, 20), ("李娜", Post.ORGANISATION, 18)],
    )


def committee(org) -> list[tuple[str, str]]:
    return sorted(CommitteeSeat.objects.filter(org=org).values_list("name", "post"))


def approve(users, election_pk):
    def call():
        election = Election.objects.get(pk=election_pk)
        return election_approve(actor=users.unit_admin, election=election, on=ANSWERED_ON)

    return call


@pytest.fixture
def sitting(tree):
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="赵强", post=Post.SECRETARY)
    committee_seat_add(actor=SYSTEM, org=tree.branch, name="钱勇", post=Post.ORGANISATION)
    return tree.branch


def test_approving_an_election_twice_at_once_seats_one_committee(users, tree, sitting):
    election = elect(users, tree)
    results = at_once([approve(users, election.pk) for _ in range(3)])
    assert refusals(results) == ["该选举结果已批复"] * 2
    assert committee(tree.branch) == sorted([("张伟", Post.SECRETARY), ("李娜", Post.ORGANISATION)])


def test_approving_and_rejecting_an_election_at_once_gives_one_answer(users, tree, sitting):
    election = elect(users, tree)

    def reject():
        fresh = Election.objects.get(pk=election.pk)
        return election_reject(
            actor=users.unit_admin, election=fresh, on=ANSWERED_ON, note="得票统计有误"
        )

    results = at_once([approve(users, election.pk), reject])
    assert refusals(results) == ["该选举结果已批复"]
    election.refresh_from_db()
    if election.status == Election.Status.APPROVED:
        assert election.answer_note == ""
        assert ("张伟", Post.SECRETARY) in committee(tree.branch)
    else:
        assert election.status == Election.Status.REJECTED
        assert committee(tree.branch) == sorted(
            [("赵强", Post.SECRETARY), ("钱勇", Post.ORGANISATION)]
        )


def test_approving_two_elections_of_one_branch_at_once_leaves_one_committee(users, tree, sitting):
    first, second = elect(users, tree, "张伟"), elect(users, tree, "孙敏")
    results = at_once([approve(users, first.pk), approve(users, second.pk)])
    assert refusals(results) == []
    seats = committee(tree.branch)
    assert seats in (
        sorted([("张伟", Post.SECRETARY), ("李娜", Post.ORGANISATION)]),
        sorted([("孙敏", Post.SECRETARY), ("李娜", Post.ORGANISATION)]),
    )
