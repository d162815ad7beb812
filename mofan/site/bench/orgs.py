"""Org tree section: the tree pages, the orgs API and the health checks."""

from mofan.orgs.health import subtree_health
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.tree import BenchTree

API_PAGE = "/api/v1/orgs?page=1&page_size=50"


def operations(tree: BenchTree) -> list[Operation]:
    """The measured operations; each costs a fixed number of queries whatever the tree size."""
    unit_admin = client_for(tree.unit_admin)
    admin = client_for(tree.committee_admin)
    api = client_for(tree.committee_admin, token=True)
    root, unit = tree.root.id, tree.unit.id
    return [
        Operation("单位组织树 /orgs/?root=单位", get(unit_admin, f"/orgs/?root={unit}")),
        Operation("工委组织树 /orgs/", get(admin, "/orgs/")),
        Operation("展开下级 /orgs/单位/children/", get(admin, f"/orgs/{unit}/children/")),
        Operation("组织列表接口 /api/v1/orgs?page=1", get(api, API_PAGE)),
        Operation("全树健康检查 subtree_health(工委)", lambda: subtree_health(tree.root)),
        Operation("全树健康检查页 /orgs/工委/health/", get(admin, f"/orgs/{root}/health/")),
        Operation("工委组织页 /orgs/工委/", get(admin, f"/orgs/{root}/")),
    ]
