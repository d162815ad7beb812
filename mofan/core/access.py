"""Roles and data scope, pure code below orgs and accounts: a grant covers its org's whole
sub-tree, found by materialised-path prefix."""

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    COMMITTEE_ADMIN = "committee_admin", "工委管理员"
    UNIT_ADMIN = "unit_admin", "单位管理员"
    LEADER = "leader", "领导（只读）"
    DISCIPLINE = "discipline", "纪检"
    SECRETARY = "secretary", "支部书记"
    MEMBER = "member", "党员"


# Higher rank may grant lower or equal ranks, never higher.
ROLE_RANK = {
    Role.COMMITTEE_ADMIN: 50,
    Role.UNIT_ADMIN: 40,
    Role.LEADER: 30,
    Role.DISCIPLINE: 30,
    Role.SECRETARY: 20,
    Role.MEMBER: 10,
}

ADMIN_ROLES = frozenset({Role.COMMITTEE_ADMIN, Role.UNIT_ADMIN})
# Who records an org's own work (meetings, members, dues, task progress): its admins and secretary.
RECORDER_ROLES = ADMIN_ROLES | {Role.SECRETARY}
# Who reads an org's whole roster (phones, ID numbers, dues bases): everyone but a plain member,
# who reads only their own record.
ROSTER_ROLES = frozenset(Role) - {Role.MEMBER}


@dataclass(frozen=True)
class GrantInfo:
    role: str
    org_id: int
    path: str


class Scope:
    def __init__(self, grants: list[GrantInfo]):
        self.grants = grants

    @cached_property
    def root_paths(self) -> list[str]:
        """The smallest set of paths whose sub-trees cover every grant."""
        return _covering_roots(g.path for g in self.grants)

    @cached_property
    def roster_paths(self) -> list[str]:
        """The sub-trees whose whole roster the user reads (grants above a plain member)."""
        return _covering_roots(g.path for g in self.grants if g.role in ROSTER_ROLES)

    @cached_property
    def recorder_paths(self) -> list[str]:
        """The sub-trees whose work the user records (admins and secretaries)."""
        return _covering_roots(g.path for g in self.grants if g.role in RECORDER_ROLES)

    def reads_roster(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.roster_paths)

    @property
    def reads_roster_anywhere(self) -> bool:
        return bool(self.roster_paths)

    @property
    def is_plain_member_somewhere(self) -> bool:
        """Holds a member grant where no higher grant reaches: sees only their own record there."""
        return any(not self.reads_roster(g.path) for g in self.grants)

    def paths_q(self, paths: list[str], field: str = "path") -> Q:
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(**{f"{field}__startswith": path})
        return query

    def visible_q(self, field: str = "path") -> Q:
        return self.paths_q(self.root_paths, field)

    def sees(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.root_paths)

    def roles_over(self, path: str) -> set[str]:
        return {g.role for g in self.grants if path.startswith(g.path)}

    def can_admin(self, path: str) -> bool:
        return bool(self.roles_over(path) & ADMIN_ROLES)

    def can_record(self, path: str) -> bool:
        """May record the org's own work: meetings, members, dues, progress, answers."""
        return bool(self.roles_over(path) & RECORDER_ROLES)

    def can_admin_strictly_below(self, path: str) -> bool:
        """An admin grant on a proper ancestor: needed to move or dissolve the org itself."""
        return any(
            g.role in ADMIN_ROLES and path.startswith(g.path) and path != g.path
            for g in self.grants
        )

    def rank_over(self, path: str) -> int:
        return max((ROLE_RANK[Role(r)] for r in self.roles_over(path)), default=0)

    def admin_rank_over(self, path: str) -> int:
        admin_roles = self.roles_over(path) & ADMIN_ROLES
        return max((ROLE_RANK[Role(r)] for r in admin_roles), default=0)

    @property
    def admin_paths(self) -> list[str]:
        return [g.path for g in self.grants if g.role in ADMIN_ROLES]

    @property
    def records_anywhere(self) -> bool:
        """Holds a recorder grant somewhere (sees the pages for recording)."""
        return any(g.role in RECORDER_ROLES for g in self.grants)

    @property
    def is_admin(self) -> bool:
        return any(g.role in ADMIN_ROLES for g in self.grants)

    @property
    def is_committee_admin(self) -> bool:
        return any(g.role == Role.COMMITTEE_ADMIN for g in self.grants)


def _covering_roots(paths) -> list[str]:
    roots: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_mofan_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = Scope([])
    else:
        rows = user.grants.values_list("role", "org_id", "org__path")
        scope = Scope([GrantInfo(role, org_id, path) for role, org_id, path in rows])
    user._mofan_scope = scope
    return scope


def forget_scope(user) -> None:
    user.__dict__.pop("_mofan_scope", None)
