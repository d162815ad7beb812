"""Reads of the org tree, always limited to the acting user's sub-tree."""

from django.db.models import Count, Q, QuerySet

from mofan.core.access import scope_of
from mofan.core.lookup import get_or_404
from mofan.orgs.counts import MemberCount, member_counts
from mofan.orgs.models import ALLOWED_CHILDREN, BRANCH_TYPES, CommitteeSeat, HealthRule, Org

STEPLEN = Org.steplen
# The tree page shows at most this many orgs at once; deeper levels load on demand.
TREE_NODE_LIMIT = 400


def org_list(*, actor, include_dissolved: bool = False) -> QuerySet[Org]:
    orgs = Org.objects.filter(scope_of(actor).visible_q())
    if not include_dissolved:
        orgs = orgs.filter(dissolved_on__isnull=True)
    return orgs


def org_get(*, actor, org_id) -> Org:
    """The org if the actor may see it; 404 otherwise (outsiders learn nothing)."""
    return get_or_404(org_list(actor=actor, include_dissolved=True), org_id, "未找到该组织")


def org_subtree(org: Org, *, include_dissolved: bool = False) -> QuerySet[Org]:
    orgs = Org.objects.filter(path__startswith=org.path)
    if not include_dissolved:
        orgs = orgs.filter(dissolved_on__isnull=True)
    return orgs


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(STEPLEN, len(path), STEPLEN)]


def org_breadcrumb(*, actor, org: Org) -> list[Org]:
    """The org's ancestors that the actor may see, root first, then the org."""
    scope = scope_of(actor)
    paths = [p for p in ancestor_paths(org.path) if scope.sees(p)]
    ancestors = list(Org.objects.filter(path__in=paths).order_by("depth")) if paths else []
    return [*ancestors, org]


def org_roots(*, actor) -> QuerySet[Org]:
    """The top orgs of the actor's scope."""
    return Org.objects.filter(path__in=scope_of(actor).root_paths).order_by("path")


def sibling_order(orgs):
    return sorted(orgs, key=lambda o: (o.sort_order, o.name))


def org_children(*, org: Org, include_dissolved: bool = False) -> list[Org]:
    children = Org.objects.filter(path__startswith=org.path, depth=org.depth + 1)
    if not include_dissolved:
        children = children.filter(dissolved_on__isnull=True)
    return sibling_order(children)


class TreeNode:
    def __init__(self, org: Org, counts: MemberCount):
        self.org = org
        self.counts = counts
        self.children: list[TreeNode] = []

    @property
    def has_hidden_children(self) -> bool:
        # numchild also counts dissolved children; expanding such a node shows none.
        return not self.children and self.org.numchild > 0


def org_tree(*, root: Org, levels: int = 2, limit: int = TREE_NODE_LIMIT) -> TreeNode:
    """The root and its active descendants down `levels` levels, each with its member counts.

    The root's children are always shown; a deeper level is left out when it would take the
    page past `limit` orgs (its nodes then offer "展开下级"). A fixed number of queries whatever
    the size of the tree; deeper levels load on demand.
    """
    depth = tree_depth_within(root, levels, limit)
    orgs = list(org_subtree(root).filter(depth__lte=depth).order_by("depth", "sort_order", "name"))
    counts = subtree_member_counts(root, orgs)
    nodes = {o.path: TreeNode(o, counts.get(o.id, MemberCount())) for o in orgs}
    for org in orgs:
        parent = nodes.get(org.path[:-STEPLEN])
        if parent is not None and org.path != root.path:
            parent.children.append(nodes[org.path])
    return nodes[root.path] if root.path in nodes else TreeNode(root, MemberCount())


def tree_depth_within(root: Org, levels: int, limit: int) -> int:
    """The deepest level (at most `levels` below the root) that keeps the tree within `limit`."""
    if levels <= 1:
        return root.depth + levels
    per_depth = dict(
        org_subtree(root)
        .filter(depth__gt=root.depth, depth__lte=root.depth + levels)
        .order_by()
        .values_list("depth")
        .annotate(n=Count("id"))
    )
    deepest, shown = root.depth + 1, 1 + per_depth.get(root.depth + 1, 0)
    for depth in range(root.depth + 2, root.depth + levels + 1):
        shown += per_depth.get(depth, 0)
        if shown > limit:
            break
        deepest = depth
    return deepest


def subtree_member_counts(root: Org, orgs: list[Org]) -> dict[int, MemberCount]:
    """Members of each listed org's whole sub-tree (all active orgs below `root` are read)."""
    rows = list(org_subtree(root).values_list("id", "path"))
    direct = member_counts(org_subtree(root).values_list("id", flat=True))
    return roll_up_counts(rows, direct, {o.path: o.id for o in orgs})


def roll_up_counts(rows, direct: dict[int, MemberCount], wanted: dict[str, int]):
    """Add each org's direct members to every wanted ancestor-or-self (rows: (id, path))."""
    totals: dict[int, MemberCount] = {}
    for org_id, path in rows:
        count = direct.get(org_id)
        if count is None:
            continue
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            target = wanted.get(path[:end])
            if target is not None:
                totals[target] = totals.get(target, MemberCount()) + count
    return totals


def orgs_under_roles(*, actor, roles, org_types=None) -> QuerySet[Org]:
    """Active orgs, in tree order, inside the sub-trees where the actor holds one of `roles`
    (e.g. the orgs an admin administers, the branches a secretary records for)."""
    scope = scope_of(actor)
    orgs = Org.objects.filter(
        scope.paths_q([g.path for g in scope.grants if g.role in roles]), dissolved_on__isnull=True
    )
    if org_types is not None:
        orgs = orgs.filter(org_type__in=org_types)
    return orgs.order_by("path")


def possible_parents(*, actor, org: Org | None, org_type: str) -> QuerySet[Org]:
    """Active orgs the actor administers that may hold an org of `org_type` (not its own sub-tree)."""
    scope = scope_of(actor)
    parent_types = [parent for parent, kids in ALLOWED_CHILDREN.items() if org_type in kids]
    parents = Org.objects.filter(
        scope.paths_q(scope.admin_paths), dissolved_on__isnull=True, org_type__in=parent_types
    )
    if org is not None:
        parents = parents.exclude(path__startswith=org.path)
    return parents.order_by("path")


def org_search(orgs: QuerySet[Org], *, text: str = "", org_type: str = "") -> QuerySet[Org]:
    if text:
        orgs = orgs.filter(
            Q(name__icontains=text)
            | Q(short_name__icontains=text)
            | Q(code__icontains=text)
            | Q(unit__icontains=text)
        )
    if org_type:
        orgs = orgs.filter(org_type=org_type)
    return orgs


def committee_seat_get(*, actor, seat_id) -> CommitteeSeat:
    seats = CommitteeSeat.objects.filter(org__in=org_list(actor=actor, include_dissolved=True))
    return get_or_404(seats.select_related("org"), seat_id, "未找到该班子成员")


def health_rule_list() -> QuerySet[HealthRule]:
    """The rules are the same for everyone; only a committee admin may change them."""
    return HealthRule.objects.all()


def health_rule_get(*, rule_id) -> HealthRule:
    return get_or_404(health_rule_list(), rule_id, "未找到该检查规则")


def with_parent_ids(orgs: list[Org]) -> list[Org]:
    """Set parent_id on each org with one query for the whole page."""
    parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    ids = dict(Org.objects.filter(path__in=parent_paths).values_list("path", "id"))
    for org in orgs:
        org.parent_id = ids.get(org.path[: -Org.steplen])
    return orgs


def active_branches() -> QuerySet[Org]:
    """Every branch that exists today, in tree order: where a member may be transferred to
    (the receiving branch may lie outside the sender's sub-tree)."""
    return Org.objects.filter(org_type__in=BRANCH_TYPES, dissolved_on__isnull=True).order_by("path")
