"""Org facts against hand-counted findings and terms, their roll-up, and their query counts.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch. Member numbers come from the `members` fixture.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.core.facts import fact
from mofan.core.periods import Span
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import OrgType
from mofan.orgs.services import org_dissolve, org_update
from mofan.site.tests.factories import make_org

DAY = date(2026, 3, 1)
YEAR = Span.year(2026)


def give_term(org, end):
    org_update(actor=SYSTEM, org=org, term_start=end - timedelta(days=3 * 365), term_end=end)


def ids(tree):
    return [o.id for o in vars(tree).values()]


def named(tree, values):
    return {name: values[org.id] for name, org in vars(tree).items() if org.id in values}


@pytest.fixture
def set_up(tree, members):
    """branch: 8 members (7 full), no committee, term over on 1 Feb → committee-required and
    term-overdue (two problems). far_branch: 120 members (100 full), term ends 15 April →
    too large, committee-required, term expiring. far_unit: 120 members below it → should be
    a 基层党委, no term. other_branch: no members, no term. unit: no term."""
    members(tree.branch, 8, full=7)
    give_term(tree.branch, date(2026, 2, 1))
    members(tree.far_branch, 120, full=100)
    give_term(tree.far_branch, date(2026, 4, 15))
    return tree


def test_it_counts_the_health_findings_of_each_org(set_up):
    tree = set_up
    findings = fact("orgs.health.findings")(org_ids=ids(tree), span=YEAR, as_of=DAY)
    assert named(tree, findings) == {
        "committee": 0,
        "unit": 1,
        "branch": 2,
        "group": 0,
        "other_branch": 2,
        "far_unit": 2,
        "far_branch": 3,
    }
    problems = fact("orgs.health.problems")(org_ids=ids(tree), span=YEAR, as_of=DAY)
    assert named(tree, problems) == {
        "committee": 0,
        "unit": 0,
        "branch": 2,
        "group": 0,
        "other_branch": 0,
        "far_unit": 0,
        "far_branch": 1,
    }


def test_an_org_asked_alone_still_counts_the_members_below_it(set_up):
    tree = set_up
    assert fact("orgs.health.findings")(org_ids=[tree.far_unit.id], span=YEAR, as_of=DAY) == {
        tree.far_unit.id: 2  # 党员 100 名以上应设基层党委, 未录入任期
    }


def test_it_counts_overdue_terms_on_the_reference_day(set_up):
    tree = set_up
    overdue = fact("orgs.terms.overdue")
    assert named(tree, overdue(org_ids=ids(tree), span=YEAR, as_of=DAY)) == {
        "committee": 0,
        "unit": 0,
        "branch": 1,
        "group": 0,
        "other_branch": 0,
        "far_unit": 0,
        "far_branch": 0,
    }
    assert overdue(org_ids=[tree.branch.id], span=YEAR, as_of=date(2026, 2, 1)) == {
        tree.branch.id: 0  # the last day of the term is not overdue yet
    }
    in_2025 = overdue(org_ids=ids(tree), span=Span.year(2025))
    assert sum(in_2025.values()) == 0


def test_a_dissolved_org_counts_only_before_its_dissolution(tree):
    give_term(tree.other_branch, date(2025, 12, 31))
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="机构调整", on=date(2026, 2, 10))
    overdue = fact("orgs.terms.overdue")
    org = [tree.other_branch.id]
    assert overdue(org_ids=org, span=YEAR, as_of=date(2026, 2, 1)) == {org[0]: 1}
    assert overdue(org_ids=org, span=YEAR, as_of=DAY) == {org[0]: 0}


def test_it_rolls_findings_up_each_sub_tree(set_up):
    tree = set_up
    totals = rollup_under(
        "orgs.health.findings", root_ids=[tree.committee.id, tree.unit.id], span=YEAR, as_of=DAY
    )
    assert totals == {tree.committee.id: 10, tree.unit.id: 5}
    overdue = rollup_under("orgs.terms.overdue", root_ids=[tree.committee.id], span=YEAR, as_of=DAY)
    assert overdue == {tree.committee.id: 1}


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize(
    "code", ["orgs.health.findings", "orgs.health.problems", "orgs.terms.overdue"]
)
def test_it_costs_the_same_queries_for_a_bigger_tree(
    set_up, members, code, django_assert_max_num_queries
):
    tree = set_up

    def answer():
        return rollup_under(code, root_ids=[tree.committee.id], span=YEAR, as_of=DAY)

    small = queries(answer)
    for n in range(30):
        branch = make_org(tree.far_unit, OrgType.BRANCH)
        make_org(branch, OrgType.PARTY_GROUP)
        members(branch, n)
        give_term(branch, date(2026, 1, 1) + timedelta(days=3 * n))
    with django_assert_max_num_queries(small):
        answer()
    assert small <= 8
