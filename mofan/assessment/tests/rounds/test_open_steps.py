"""The workbench's open assessment steps: a unit's self-assessments to submit, and the
objections to answer and reviews to do of the rounds a committee runs."""

from datetime import date

from mofan.assessment import objections, rounds, submissions
from mofan.assessment.selectors import open_steps_for
from mofan.assessment.tests.rounds.test_services import item

BEFORE, AFTER = date(2026, 12, 1), date(2026, 12, 21)  # the round's deadline is 12-20


def test_a_unit_sees_its_self_assessment_to_submit_until_it_does(users, tree, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    sheet = f"/assessment/rounds/{round_.id}/?org={tree.unit.pk}"
    assert open_steps_for(actor=users.unit_admin, today=BEFORE) == [("待提交的考核自评", 1, sheet)]
    assert open_steps_for(actor=users.unit_admin, today=AFTER) == [
        ("待提交的考核自评（1 项已过截止日）", 1, sheet)
    ]
    for nobody in (users.outsider, users.member, users.leader, users.committee_admin):
        assert open_steps_for(actor=nobody, today=BEFORE) == []  # the runner submits nothing
    submissions.self_submit(actor=users.unit_admin, round_=round_, org=tree.unit)
    assert open_steps_for(actor=users.unit_admin, today=BEFORE) == []


def test_the_committee_sees_the_reviews_and_objections_of_its_rounds(
    users, tree, scheme, round_, django_assert_max_num_queries
):
    admin = users.committee_admin
    rounds.round_open(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    page = f"/assessment/rounds/{round_.id}/"
    assert open_steps_for(actor=admin, today=BEFORE) == [("评审打分中的考核", 1, page)]
    rounds.round_advance(actor=admin, round_=round_)
    objections.objection_raise(
        actor=users.unit_admin,
        round_=round_,
        org=tree.unit,
        indicator=item(scheme, "组织生活"),
        reason="记录补录在案",
    )
    with django_assert_max_num_queries(4):
        steps = open_steps_for(actor=admin, today=BEFORE)
    anchor = f"{page}?org={tree.unit.pk}#indicator-{item(scheme, '组织生活').pk}"
    assert steps == [("待答复的考核异议", 1, anchor)]
    assert open_steps_for(actor=users.unit_admin, today=BEFORE) == []
