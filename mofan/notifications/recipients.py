"""Who acts for an org when something happens to it: the people an event's message goes to.

Found for any number of orgs with one query (the grants on the orgs' own and their ancestors'
paths, read as plain rows), never one query per org or per recipient. Only active users.
"""

from collections.abc import Iterable

from mofan.accounts.models import Grant
from mofan.core.access import ADMIN_ROLES, RECORDER_ROLES
from mofan.orgs.models import Org, OrgType


def _holders_on(paths: set[str], roles) -> dict[str, set[int]]:
    """Active users holding one of `roles` on each of these orgs (by path) itself."""
    found: dict[str, set[int]] = {}
    rows = Grant.objects.filter(
        role__in=roles, user__is_active=True, org__path__in=sorted(paths)
    ).values_list("org__path", "user_id")
    for path, user_id in rows:
        found.setdefault(path, set()).add(user_id)
    return found


def _parent_path(path: str) -> str:
    return path[: -Org.steplen]


def _ancestor_paths(path: str) -> list[str]:
    """The org's own path and those above it, nearest first."""
    return [path[:end] for end in range(len(path), 0, -Org.steplen)]


def recorders_of(orgs: Iterable[Org]) -> dict[int, set[int]]:
    """Each org's own admins and secretary: grant holders whose grant is on the org itself. A
    party group has no accounts of its own: its branch's answer for it (as in plans'
    `is_reporter`)."""
    orgs = list(orgs)
    own = {
        org.pk: [org.path]
        + ([_parent_path(org.path)] if org.org_type == OrgType.PARTY_GROUP else [])
        for org in orgs
    }
    holders = _holders_on({path for paths in own.values() for path in paths}, RECORDER_ROLES)
    return {
        org_id: {user_id for path in paths for user_id in holders.get(path, ())}
        for org_id, paths in own.items()
    }


def admins_of(orgs: Iterable[Org]) -> dict[int, set[int]]:
    """Each org's admins: those whose admin grant is on the org itself or, for an org with
    none of its own (a branch that assigned a task to its party groups), on the nearest org
    above it that has some, who decide for it (accept, return, close)."""
    orgs = list(orgs)
    lines = {org.pk: _ancestor_paths(org.path) for org in orgs}
    holders = _holders_on({path for paths in lines.values() for path in paths}, ADMIN_ROLES)
    return {
        org_id: next((set(holders[path]) for path in paths if path in holders), set())
        for org_id, paths in lines.items()
    }
