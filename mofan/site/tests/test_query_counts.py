"""Every operation `mofan bench` measures costs the same number of queries for a small data set
as for one ten times larger: the reads are scoped by path prefix and gather their facts in one
query each. The data come from the bench's own builders, at small sizes."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.meetings.compliance import DONE, NOT_DONE
from mofan.members import crypto, idcard
from mofan.members.models import Member
from mofan.members.services import MEMBER_CLEAN_EXCLUDE, member_rule_check
from mofan.orgs.models import CommitteeSeat, Org, OrgType
from mofan.orgs.selectors import TREE_NODE_LIMIT, org_tree
from mofan.orgs.services import org_create
from mofan.plans.models import Task
from mofan.site.bench import meetings, members, orgs, plans
from mofan.site.bench.measure import count_queries
from mofan.site.bench.tree import build_tree, check_tree, size_for_branches

SMALL, LARGE = 20, 200


@pytest.fixture
def trees(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return SimpleNamespace(
        small=build_tree(SMALL, prefix="SMALL"), large=build_tree(LARGE, prefix="LARGE")
    )


def _counts(operations) -> dict[str, int]:
    """Queries per operation, by name with the sizes in it written as N."""
    counts = {}
    for operation in operations:
        operation.call()  # warm up: the first API call records the token's use
        counts[re.sub(r"\d+", "N", operation.name)] = count_queries(operation.call)
    return counts


def test_it_builds_a_tree_treebeard_accepts(trees):
    for tree in (trees.small, trees.large):
        check_tree(tree)
    assert all(not problems for problems in Org.objects.find_problems())
    large = Org.objects.filter(path__startswith=trees.large.root.path)
    assert large.count() == LARGE
    assert set(large.values_list("org_type", flat=True)) == {
        OrgType.WORKING_COMMITTEE,
        OrgType.ORGAN_COMMITTEE,
        OrgType.GENERAL_BRANCH,
        OrgType.BRANCH,
        OrgType.PARTY_GROUP,
    }
    assert CommitteeSeat.objects.filter(org__path__startswith=trees.large.root.path).exists()


def test_it_keeps_treebeard_working_on_the_built_tree(trees):
    unit = trees.small.unit
    before = unit.numchild
    child = org_create(
        actor=SYSTEM, parent=unit, name="新支部", code="SMALL-NEW", org_type=OrgType.BRANCH
    )
    assert child.path[: -Org.steplen] == unit.path
    unit.refresh_from_db()
    assert unit.numchild == before + 1


def test_it_costs_the_same_queries_for_a_small_and_a_large_tree(trees):
    small, large = _counts(orgs.operations(trees.small)), _counts(orgs.operations(trees.large))
    assert small == large


def test_it_leaves_deep_levels_of_a_big_tree_to_load_on_demand(trees):
    root = trees.large.root
    full = org_tree(root=root)
    assert any(unit.children for unit in full.children)  # 200 orgs fit on one page
    trimmed = org_tree(root=root, limit=10)
    assert len(trimmed.children) == len(full.children)  # the root's children always show
    assert all(not unit.children for unit in trimmed.children)
    assert all(unit.has_hidden_children for unit in trimmed.children)
    assert TREE_NODE_LIMIT >= 100


def test_it_builds_a_tree_of_branches_for_the_meetings_section(db):
    tree = build_tree(size_for_branches(30), prefix="BR", party_groups=False)
    check_tree(tree)
    assert len(tree.branches()) == 30
    assert not tree.orgs().filter(org_type=OrgType.PARTY_GROUP).exists()


# --- members --------------------------------------------------------------------------------


@pytest.fixture
def member_trees(trees):
    members.build_members(trees.small, 60)
    members.build_members(trees.large, 600)
    return trees


def test_it_builds_member_records_the_services_would_accept(member_trees):
    built = list(Member.objects.filter(org__path__startswith=member_trees.small.root.path))
    assert len(built) == 60
    assert len({m.id_number_hash for m in Member.objects.all()}) == 660
    for member in built[:20]:
        number = idcard.parse(crypto.decrypt(member.id_number_cipher))
        assert (number.birth_date, number.sex) == (member.birth_date, member.sex)
        assert crypto.keyed_hash(number.number) == member.id_number_hash
        assert member.id_number_masked == number.masked
        member_rule_check(member)
        member.full_clean(exclude=MEMBER_CLEAN_EXCLUDE)
    assert any(m.name.startswith(members.SEARCH) for m in built)


def test_it_costs_the_same_queries_for_few_and_many_members(member_trees):
    small = _counts(members.operations(member_trees.small, 60))
    large = _counts(members.operations(member_trees.large, 600))
    assert small == large


def test_it_writes_a_roster_that_imports_cleanly(member_trees, tmp_path):
    from mofan.members.excel import check_roster

    tree = member_trees.small
    upload = members.roster_file(
        tmp_path / "roster.xlsx", tree, 30, first=members.IMPORT_FIRST, updates=5
    )
    checked = check_roster(actor=tree.committee_admin, upload=upload)
    assert checked.ok, checked.errors[:3]
    assert (len(checked.to_create), len(checked.to_update)) == (25, 5)


# --- meetings -------------------------------------------------------------------------------


@pytest.fixture
def meeting_trees(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return SimpleNamespace(
        small=meetings.build_meetings_tree(4, prefix="MSMALL"),
        large=meetings.build_meetings_tree(40, prefix="MLARGE"),
    )


def test_it_builds_a_year_of_meetings_with_gaps(meeting_trees):
    built = meeting_trees.large
    assert built.meetings > 40 * 30 and built.attendance > built.meetings * 8
    lines = meetings.whole_tree_compliance(built)
    statuses = {s for org_lines in lines.values() for line in org_lines for *_, s in line.periods}
    assert {DONE, NOT_DONE} <= statuses


def test_it_costs_the_same_queries_for_few_and_many_branches(meeting_trees):
    small = _counts(meetings.operations(meeting_trees.small))
    large = _counts(meetings.operations(meeting_trees.large))
    assert small == large


# --- plans ----------------------------------------------------------------------------------


@pytest.fixture
def task_trees(trees):
    plans.build_tasks(trees.small, 100)
    plans.build_tasks(trees.large, 1000)
    return trees


def test_it_builds_tasks_split_down_the_tree(task_trees):
    tree = task_trees.large
    tasks = Task.objects.filter(assigner__path__startswith=tree.root.path)
    assert tasks.count() == 1000
    assert tasks.filter(parent__isnull=False).count() == 900
    assert all(t.deadline <= t.parent.deadline for t in tasks.filter(parent__isnull=False)[:50])
    assert plans.overdue_scan(tree, timezone.localdate())


def test_it_costs_the_same_queries_for_few_and_many_tasks(task_trees):
    small = _counts(plans.operations(task_trees.small, 100))
    large = _counts(plans.operations(task_trees.large, 1000))
    assert small == large


def test_a_page_view_writes_nothing(trees):
    """Reading a page sends no write: the session is saved at most once a minute (issue 8 §7),
    not on every request."""
    for operation in orgs.operations(trees.small):
        operation.call()
        with CaptureQueriesContext(connection) as queries:
            operation.call()
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        ]
        assert writes == [], operation.name
