"""Assessment facts as the 四强 prerequisites and the statistics read them: veto events, the
branches that passed the checklist, the units assessed and the honours still held."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mofan.assessment import naming, rounds, services
from mofan.assessment.models import Target
from mofan.assessment.tests.conftest import add_area, add_item
from mofan.assessment.tests.rounds.test_naming import final_round
from mofan.assessment.tests.rounds.test_services import item
from mofan.core.facts import fact
from mofan.core.periods import Span

YEAR, BEFORE = Span.year(2025), Span.year(2024)


def answer(code, orgs, span=YEAR, as_of=None):
    return fact(code)(org_ids=[o.pk for o in orgs], span=span, as_of=as_of)


def test_a_veto_recorded_against_a_unit_counts_in_the_span_it_was_recorded_in(
    users, tree, scheme, values
):
    admin = users.committee_admin
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name="2025 年度考评",
        kind="annual",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    rounds.round_open(actor=admin, round_=round_)
    with time_machine.travel(date(2025, 11, 20), tick=False):
        rounds.finding_record(
            actor=admin,
            round_=round_,
            org=tree.unit,
            indicator=item(scheme, "督办未反馈"),
            description="严重违纪案件",
            source="纪检通报 2025-7",
        )
    orgs = [tree.unit, tree.far_unit]
    assert answer("assessment.vetoes", orgs) == {tree.unit.pk: 1, tree.far_unit.pk: 0}
    assert answer("assessment.vetoes", orgs, BEFORE) == {tree.unit.pk: 0, tree.far_unit.pk: 0}


def test_units_of_a_final_round_count_as_assessed_and_named_ones_until_revoked(
    users, tree, scheme, values
):
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    orgs = [tree.unit, tree.far_unit, tree.branch]
    assessed = answer("assessment.units_assessed", orgs)
    assert assessed == {tree.unit.pk: 1, tree.far_unit.pk: 1, tree.branch.pk: 0}
    assert set(answer("assessment.units_assessed", orgs, BEFORE).values()) == {0}
    [honour] = naming.advanced_name(
        actor=users.committee_admin,
        round_=round_,
        org_ids=[tree.far_unit.pk],
        decision="市直机关工委〔2026〕1号",
        share=50,
    )
    named = answer("assessment.advanced_units", orgs)
    assert named == {tree.unit.pk: 0, tree.far_unit.pk: 1, tree.branch.pk: 0}
    naming.honour_revoke(
        actor=users.committee_admin, honour=honour, reason="发生严重违纪", on=date(2026, 3, 1)
    )
    held_in_2025 = answer("assessment.advanced_units", orgs, as_of=date(2025, 12, 31))
    assert held_in_2025[tree.far_unit.pk] == 1
    after = answer("assessment.advanced_units", orgs, as_of=date(2026, 3, 1))
    assert after[tree.far_unit.pk] == 0


@pytest.fixture
def checklist(users, tree):
    """A branch checklist of 2025: one reviewed item of 100 points, 达标 from 60."""
    admin = users.committee_admin
    scheme = services.scheme_create(
        actor=admin,
        org=tree.committee,
        name="党支部标准化规范化建设",
        year=2025,
        target=Target.BRANCHES,
    )
    area = add_area(scheme, admin, "党支部设置", 100)
    add_item(scheme, admin, area, "设置规范", rule="reviewed", max_points=100)
    services.grades_set(actor=admin, scheme=scheme, grades=[("达标", 60), ("不达标", 0)])
    services.scheme_publish(actor=admin, scheme=scheme)
    return scheme


def test_a_branch_passes_the_checklist_with_a_grade_above_the_lowest(users, tree, checklist):
    admin = users.committee_admin
    round_ = rounds.round_create(
        actor=admin,
        scheme=checklist,
        name="2025 年党支部达标验收",
        kind="annual",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    rounds.round_open(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    branches = list(round_.participants.values_list("org_id", flat=True))
    scores = {org_id: ("30", "台账缺失") for org_id in branches}
    scores[tree.branch.pk] = ("85", "")
    rounds.review_scores(
        actor=admin, round_=round_, indicator=item(checklist, "设置规范"), scores=scores
    )
    orgs = [tree.branch, tree.other_branch]
    assert set(answer("assessment.checklist_passed", orgs).values()) == {0}  # not final yet
    rounds.round_advance(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    passed = answer("assessment.checklist_passed", orgs)
    assert passed == {tree.branch.pk: 1, tree.other_branch.pk: 0}
    assert set(answer("assessment.checklist_passed", orgs, BEFORE).values()) == {0}
