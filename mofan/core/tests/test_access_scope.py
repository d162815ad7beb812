"""The scope as index-friendly predicates (mofan.core.access): the same rows as a prefix test on
the joined org path, with dissolved orgs and several grants; OR-ed scope predicates become
`<fk>_id IN (SELECT id FROM orgs_org WHERE path …)`; the org path's prefix test is GLOB on
SQLite."""

import pytest
from django.db import connection
from django.db.models import Q

from mofan.core.access import GrantInfo, Role, Scope, ScopeQ, glob_escape
from mofan.orgs.models import Org
from mofan.plans.models import Task
from mofan.site.bench import plans
from mofan.site.bench.tree import build_tree


@pytest.fixture
def bench_tree(db):
    tree = build_tree(120, prefix="SCOPE")
    plans.build_tasks(tree, 300)
    return tree


def scope_on(*orgs, role=Role.UNIT_ADMIN) -> Scope:
    return Scope([GrantInfo(role, org.id, org.path) for org in orgs])


def joined(paths, field):
    """What visible_q built before: a prefix test on the joined path per root."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def ids(queryset) -> list[int]:
    return sorted(queryset.values_list("id", flat=True))


def units(tree) -> list[Org]:
    return list(tree.orgs().filter(depth=2).order_by("path"))


def test_it_selects_the_same_tasks_as_the_joined_path_test(bench_tree):
    first, second, third = units(bench_tree)[:3]
    for scope in [scope_on(first), scope_on(first, third), scope_on(bench_tree.root)]:
        roots = scope.root_paths
        for field in ["owner_org__path", "assigner__path"]:
            assert ids(Task.objects.filter(scope.visible_q(field))) == ids(
                Task.objects.filter(joined(roots, field))
            )
        either = scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")
        assert ids(Task.objects.filter(either)) == ids(
            Task.objects.filter(joined(roots, "owner_org__path") | joined(roots, "assigner__path"))
        )
    assert ids(Task.objects.filter(scope_on(second).visible_q("owner_org__path")))


def test_it_keeps_the_tasks_of_dissolved_orgs_in_scope(bench_tree):
    unit = units(bench_tree)[0]
    branch = Org.objects.filter(path__startswith=unit.path, depth=3).first()
    Org.objects.filter(pk=branch.pk).update(dissolved_on="2026-01-01")
    scope = scope_on(unit)

    either = scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")
    found = set(ids(Task.objects.filter(either)))

    assert set(ids(Task.objects.filter(owner_org=branch))) <= found
    assert found == set(
        ids(
            Task.objects.filter(
                joined([unit.path], "owner_org__path") | joined([unit.path], "assigner__path")
            )
        )
    )


def test_it_covers_several_grants_with_their_smallest_set_of_roots(bench_tree):
    first, second = units(bench_tree)[:2]
    branch = Org.objects.filter(path__startswith=first.path, depth=3).first()
    scope = scope_on(first, branch, second)

    assert sorted(scope.root_paths) == [first.path, second.path]
    query = Task.objects.filter(
        scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")
    )
    assert set(query.values_list("owner_org__path", flat=True)) and all(
        p.startswith((first.path, second.path))
        for p in query.values_list("owner_org__path", flat=True)
    )


def test_or_ed_scope_predicates_read_the_foreign_keys_without_a_join(bench_tree):
    scope = scope_on(units(bench_tree)[0])
    either = scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")

    sql = str(Task.objects.filter(either).order_by().values("id").query)

    assert '"plans_task"."owner_org_id" IN (SELECT' in sql
    assert '"plans_task"."assigner_id" IN (SELECT' in sql
    assert "JOIN" not in sql


def test_a_single_scope_predicate_is_a_prefix_test_on_the_joined_path(bench_tree):
    scope = scope_on(units(bench_tree)[0])

    predicate = scope.visible_q("owner_org__path")
    sql = str(Task.objects.filter(predicate).values("id").query)

    assert isinstance(predicate, ScopeQ)
    assert "JOIN" in sql
    assert ("GLOB" if connection.vendor == "sqlite" else "LIKE") in sql


def test_an_empty_scope_selects_nothing(bench_tree):
    scope = Scope([])
    either = scope.visible_q("owner_org__path") | scope.visible_q("assigner__path")

    assert not Task.objects.filter(either).exists()
    assert not Org.objects.filter(scope.visible_q()).exists()


def test_the_org_path_prefix_test_gives_the_rows_of_like(bench_tree):
    unit = units(bench_tree)[0]
    by_prefix = ids(Org.objects.filter(path__startswith=unit.path))
    by_range = ids(Org.objects.filter(path__gte=unit.path, path__lt=unit.path + "~"))

    assert by_prefix == by_range
    assert ids(Org.objects.filter(path__startswith="")) == ids(Org.objects.all())
    assert not Org.objects.filter(path__startswith=unit.path.lower() + "*").exists()
    if connection.vendor == "sqlite":
        assert "GLOB" in str(Org.objects.filter(path__startswith=unit.path).query)


def test_it_escapes_the_glob_wildcards():
    assert glob_escape("00A*?[]") == "00A[*][?][[]]"
