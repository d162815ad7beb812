"""Every operation `mofan bench` measures costs the same number of queries for 20 orgs as for
200: the reads are scoped by path prefix and gather their facts in one query each."""

from types import SimpleNamespace

import pytest

from mofan.core.management.commands.bench import (
    build_tree,
    check_tree,
    count_queries,
    operations,
)
from mofan.orgs.models import CommitteeMember, Org, OrgType
from mofan.orgs.selectors import TREE_NODE_LIMIT, org_tree
from mofan.orgs.services import org_create

SMALL, LARGE = 20, 200


@pytest.fixture
def trees(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return SimpleNamespace(
        small=build_tree(SMALL, prefix="SMALL"), large=build_tree(LARGE, prefix="LARGE")
    )


def _counts(tree) -> dict[str, int]:
    counts = {}
    for operation in operations(tree):
        operation.call()  # warm up: the first API call records the token's use
        counts[operation.name] = count_queries(operation.call)
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
    assert CommitteeMember.objects.filter(org__path__startswith=trees.large.root.path).exists()


def test_it_keeps_treebeard_working_on_the_built_tree(trees):
    unit = trees.small.unit
    before = unit.numchild
    child = org_create(
        actor=None, parent=unit, name="新支部", code="SMALL-NEW", org_type=OrgType.BRANCH
    )
    assert child.path[: -Org.steplen] == unit.path
    unit.refresh_from_db()
    assert unit.numchild == before + 1


def test_it_costs_the_same_queries_for_a_small_and_a_large_tree(trees):
    small, large = _counts(trees.small), _counts(trees.large)
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
