"""The assessment facts: vetoes by the round's period, branches that passed the checklist,
units assessed and the honours named, each per org over a span, in a fixed number of
queries."""

from datetime import date
from decimal import Decimal

import pytest

from mofan.assessment import naming, rounds, services
from mofan.assessment.models import Honour, HonourKind, Target
from mofan.assessment.tests.conftest import add_area, add_item
from mofan.assessment.tests.rounds.test_naming import final_round
from mofan.assessment.tests.rounds.test_services import item
from mofan.core.facts import fact
from mofan.core.periods import Span

YEAR_2025, YEAR_2026 = Span.year(2025), Span.year(2026)


def answer(code, orgs, span, as_of=None):
    return fact(code)(org_ids=[o.pk for o in orgs], span=span, as_of=as_of)


def record(users, round_, org, name, description="违纪案件"):
    return rounds.finding_record(
        actor=users.committee_admin,
        round_=round_,
        org=org,
        indicator=item(round_.scheme, name),
        description=description,
    )


def test_vetoes_count_the_veto_findings_of_rounds_ending_in_the_span(users, tree, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    record(users, round_, tree.unit, "督办未反馈")
    record(users, round_, tree.unit, "督办未反馈", "第二次")
    orgs = [tree.unit, tree.far_unit]
    assert answer("assessment.vetoes", orgs, YEAR_2026) == {tree.unit.pk: 2, tree.far_unit.pk: 0}
    assert answer("assessment.vetoes", orgs, YEAR_2025) == {tree.unit.pk: 0, tree.far_unit.pk: 0}


def branch_round(users, tree, year, reviewed: dict, vetoed=()):
    """A final branch round of `year`: each branch reviewed with the given points (of 10),
    a veto finding for the branches in `vetoed`."""
    admin = users.committee_admin
    scheme = services.scheme_create(
        actor=admin,
        org=tree.committee,
        name="党支部标准化规范化建设",
        year=year,
        target=Target.BRANCHES,
    )
    area = add_area(scheme, admin, "规范化建设", 10)
    add_item(scheme, admin, area, "支部建设", rule="reviewed", max_points=10)
    add_item(scheme, admin, area, "违纪", rule="veto", max_points=0)
    services.grades_set(actor=admin, scheme=scheme, grades=[("达标", 6), ("不达标", 0)])
    services.scheme_publish(actor=admin, scheme=scheme)
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name=f"{year} 支部达标考核",
        kind="annual",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
    )
    rounds.round_open(actor=admin, round_=round_)
    for branch in vetoed:
        record(users, round_, branch, "违纪")
    rounds.round_advance(actor=admin, round_=round_)
    rounds.review_scores(
        actor=admin,
        round_=round_,
        indicator=item(scheme, "支部建设"),
        scores={org.pk: (points, "") for org, points in reviewed.items()},
    )
    rounds.round_advance(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    return round_


def test_a_branch_passed_when_its_final_grade_is_above_the_lowest_and_not_vetoed(users, tree):
    branch_round(
        users,
        tree,
        2025,
        {tree.branch: "9", tree.other_branch: "3", tree.far_branch: "10"},
        vetoed=[tree.far_branch],
    )
    branches = [tree.branch, tree.other_branch, tree.far_branch, tree.unit]
    assert answer("assessment.checklist_passed", branches, YEAR_2025) == {
        tree.branch.pk: 1,
        tree.other_branch.pk: 0,  # 不达标, the lowest band
        tree.far_branch.pk: 0,  # vetoed
        tree.unit.pk: 0,  # not a participant
    }
    assert answer("assessment.checklist_passed", branches, YEAR_2026)[tree.branch.pk] == 0


def test_a_round_still_open_counts_neither_as_passed_nor_as_assessed(users, tree, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    assert answer("assessment.units_assessed", [tree.unit], YEAR_2026) == {tree.unit.pk: 0}


def test_units_of_a_final_round_count_as_assessed_and_named_ones_until_revoked(
    users, tree, scheme, values
):
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    orgs = [tree.unit, tree.far_unit, tree.branch]
    assessed = answer("assessment.units_assessed", orgs, YEAR_2025)
    assert assessed == {tree.unit.pk: 1, tree.far_unit.pk: 1, tree.branch.pk: 0}
    assert set(answer("assessment.units_assessed", orgs, Span.year(2024)).values()) == {0}
    [honour] = naming.advanced_name(
        actor=users.committee_admin,
        round_=round_,
        org_ids=[tree.far_unit.pk],
        decision="市直机关工委〔2026〕1号",
        share=50,
    )
    named = answer("assessment.advanced_units", orgs, YEAR_2025)
    assert named == {tree.unit.pk: 0, tree.far_unit.pk: 1, tree.branch.pk: 0}
    naming.honour_revoke(
        actor=users.committee_admin, honour=honour, reason="发生严重违纪", on=date(2026, 3, 1)
    )
    held_in_2025 = answer("assessment.advanced_units", orgs, YEAR_2025, as_of=date(2025, 12, 31))
    assert held_in_2025[tree.far_unit.pk] == 1
    after = answer("assessment.advanced_units", orgs, YEAR_2025, as_of=date(2026, 3, 1))
    assert after[tree.far_unit.pk] == 0


def honour(users, kind, org, year, revoked_on=None):
    return Honour.objects.create(
        kind=kind,
        org=org,
        year=year,
        decision="工委〔2026〕1 号",
        decided_by=users.committee_admin,
        revoked_on=revoked_on,
    )


def test_honours_count_for_their_year_while_they_are_held(users, tree):
    honour(users, HonourKind.ADVANCED_UNIT, tree.unit, 2025)
    honour(users, HonourKind.ADVANCED_UNIT, tree.far_unit, 2025, revoked_on=date(2025, 6, 1))
    honour(users, HonourKind.ADVANCED_BRANCH, tree.branch, 2025)
    honour(users, HonourKind.MODEL_ORGAN, tree.unit, 2026)
    orgs = [tree.unit, tree.far_unit, tree.branch]
    assert answer("assessment.advanced_units", orgs, YEAR_2025) == {
        tree.unit.pk: 1,
        tree.far_unit.pk: 0,  # revoked before the year's end
        tree.branch.pk: 0,
    }
    assert answer("assessment.advanced_units", [tree.far_unit], YEAR_2025, date(2025, 5, 1)) == {
        tree.far_unit.pk: 1
    }
    assert answer("assessment.advanced_branches", orgs, YEAR_2025)[tree.branch.pk] == 1
    assert answer("assessment.model_organs", orgs, YEAR_2025)[tree.unit.pk] == 0
    assert answer("assessment.model_organs", orgs, YEAR_2026)[tree.unit.pk] == 1


@pytest.mark.parametrize(
    "code",
    [
        "assessment.vetoes",
        "assessment.units_assessed",
        "assessment.advanced_units",
        "assessment.advanced_branches",
        "assessment.model_organs",
    ],
)
def test_each_fact_is_one_query_whatever_the_number_of_orgs(tree, code, django_assert_num_queries):
    for orgs in ([tree.unit], [tree.unit, tree.far_unit, tree.branch, tree.far_branch]):
        with django_assert_num_queries(1):
            answer(code, orgs, YEAR_2026)
