"""Org tree section: the tree pages, the orgs API and the health checks."""

from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.health import subtree_health
from mofan.orgs.models import Org
from mofan.orgs.selectors import TREE_NODE_LIMIT, tree_depth_within
from mofan.site.bench.floor import (
    context_rows,
    json_rows,
    one,
    placeholders,
    prefix,
    rows,
    table,
    under,
)
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.tree import BenchTree

API_PAGE = "/api/v1/orgs?page=1&page_size=50"
ORG, MEMBER = table(Org), table(Member)


def operations(tree: BenchTree) -> list[Operation]:
    """The measured operations; each costs a fixed number of queries whatever the tree size."""
    unit_admin = client_for(tree.unit_admin)
    admin = client_for(tree.committee_admin)
    api = client_for(tree.committee_admin, token=True)
    root, unit = tree.root.id, tree.unit.id
    return [
        Operation(
            "单位组织树 /orgs/?root=单位",
            get(unit_admin, f"/orgs/?root={unit}"),
            floor=lambda: tree_floor(tree.unit, _tree_depth(tree.unit)),
            shown=tree_nodes,
        ),
        Operation(
            "工委组织树 /orgs/",
            get(admin, "/orgs/"),
            floor=lambda: tree_floor(tree.root, _tree_depth(tree.root)),
            shown=tree_nodes,
        ),
        Operation(
            "展开下级 /orgs/单位/children/",
            get(admin, f"/orgs/{unit}/children/"),
            floor=lambda: tree_floor(tree.unit, tree.unit.depth + 1, include_root=False),
            shown=context_rows("nodes"),
        ),
        Operation(
            "组织列表接口 /api/v1/orgs?page=1",
            get(api, API_PAGE),
            floor=lambda: org_page_floor(tree.root, 1, 50),
            shown=json_rows("items"),
        ),
        Operation("全树健康检查 subtree_health(工委)", lambda: subtree_health(tree.root)),
        Operation("全树健康检查页 /orgs/工委/health/", get(admin, f"/orgs/{root}/health/")),
        Operation("工委组织页 /orgs/工委/", get(admin, f"/orgs/{root}/")),
    ]


# --- floors ---------------------------------------------------------------------------------


def _tree_depth(root: Org) -> int:
    """The deepest level the tree page shows (worked out once, not part of the floor)."""
    return tree_depth_within(root, 2, TREE_NODE_LIMIT)


def tree_nodes(response) -> int:
    def count(node) -> int:
        return 1 + sum(count(child) for child in node.children)

    return count(response.context["tree"])


def tree_floor(root: Org, depth: int, *, include_root: bool = True) -> list[tuple]:
    """The active orgs of the root's sub-tree down to `depth`, in the page's order, each with
    the current members of its whole sub-tree (full, probationary): two queries, the counts
    grouped by the database and added up the paths here."""
    lowest = root.depth if include_root else root.depth + 1
    orgs = rows(
        f"SELECT id, path, name, org_type, numchild FROM {ORG} "
        f"WHERE {under('path')} AND dissolved_on IS NULL AND depth BETWEEN %s AND %s "
        "ORDER BY depth, sort_order, name",
        [prefix(root.path), lowest, depth],
    )
    counts = rows(
        f"SELECT o.path, m.category, COUNT(*) FROM {MEMBER} m JOIN {ORG} o ON o.id = m.org_id "
        f"WHERE {under('o.path')} AND o.dissolved_on IS NULL "
        f"AND m.status IN ({placeholders(CURRENT_STATUSES)}) GROUP BY o.path, m.category",
        [prefix(root.path), *CURRENT_STATUSES],
    )
    shown = {path: [0, 0] for _, path, *_ in orgs}
    for path, category, n in counts:
        for end in range(Org.steplen, len(path) + 1, Org.steplen):
            totals = shown.get(path[:end])
            if totals is not None:
                totals[0 if category == Category.FULL else 1] += n
    return [
        (org_id, name, kind, numchild, *shown[path]) for org_id, path, name, kind, numchild in orgs
    ]


def org_page_floor(root: Org, page_number: int, size: int) -> list[tuple]:
    """The API's page: the count, then the page's orgs in path order with their parent's id."""
    one(
        f"SELECT COUNT(*) FROM {ORG} WHERE {under('path')} AND dissolved_on IS NULL",
        [prefix(root.path)],
    )
    return rows(
        "SELECT o.id, o.name, o.short_name, o.code, o.org_type, o.unit, o.depth, p.id, "
        "o.established_on, o.sort_order, o.term_start, o.term_end, o.dissolved_on "
        f"FROM {ORG} o LEFT JOIN {ORG} p ON p.path = substr(o.path, 1, length(o.path) - %s) "
        f"WHERE {under('o.path')} AND o.dissolved_on IS NULL ORDER BY o.path "
        f"LIMIT %s OFFSET %s",
        [Org.steplen, prefix(root.path), size, (page_number - 1) * size],
    )
