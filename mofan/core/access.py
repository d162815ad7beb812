"""Roles and data scope, pure code below orgs and accounts: a grant covers its org's whole
sub-tree, found by materialised-path prefix.

Scope predicates are index-friendly. A prefix test on the org path (`path__startswith`, also
through a foreign key: `org__path__startswith`) is a range on the path index (on SQLite as
GLOB: its LIKE ignores case and so reads every org). Where two scope predicates are joined by
OR (a task its units own *or* assigned), each becomes `<fk>_id IN (SELECT id FROM orgs_org
WHERE path LIKE '<root>%' OR …)`, so that the database reads the rows of the orgs in scope
through each foreign key's index instead of every row of the table. The orgs app registers the
org model (`register_org_model`): core imports no app.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Q
from django.db.models.lookups import StartsWith

PATH = "path"
PATH_SUFFIX = "__path"


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
    org_id: int | None  # None: the system actor's whole-tree grant
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

    def paths_q(self, paths: list[str], field: str = PATH) -> Q:
        """Rows under any of `paths`. `field` names the org path as a lookup would: `path` on
        the org table itself, `<fk>__path` through an org foreign key (`org__path`,
        `owner_org__path`, `grants__org__path`). See `ScopeQ` for what the latter becomes."""
        if not paths or not field.endswith(PATH_SUFFIX):
            return prefix_q(paths, field)
        fk = field.removesuffix(PATH_SUFFIX)
        ids = Q(**{f"{fk}__in": org_ids_under(paths)})
        return ScopeQ(prefix_q(paths, field), by_ids=ids)

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


def prefix_q(paths: list[str], field: str = PATH) -> Q:
    """`field` starts with one of `paths` (no path: nothing)."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


class ScopeQ(Q):
    """A scope predicate through one org foreign key, in the form each use reads fastest.

    Alone it is a prefix test on the joined org's path, one per scope root: the database walks
    the path index over the orgs in scope and joins their rows through the foreign key's index,
    in path order, which a list sorted by org (the member list) reads a page of without
    sorting. OR-ed with another scope predicate (`visible_q("owner_org__path") |
    visible_q("assigner__path")`) both become `<fk>_id IN (<ids of the orgs in scope>)`: a
    prefix test on two joined tables can use no index and reads every row, the two IN terms
    are read through the two foreign-key indexes. Both forms select the same rows.
    """

    def __init__(self, *args, by_ids: Q | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_ids = by_ids

    def __or__(self, other):
        mine, theirs = getattr(self, "by_ids", None), getattr(other, "by_ids", None)
        if mine is not None and theirs is not None:
            return mine | theirs
        return super().__or__(other)


def glob_escape(text: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


class PathStartsWith(StartsWith):
    """`startswith` on the org's materialised path as a range on its index.

    On SQLite as `path GLOB 'prefix*'`: SQLite's LIKE ignores case, so it cannot use the
    (case-sensitive) index and reads every org; GLOB is case-sensitive and becomes an index
    range. Paths hold only 0-9 and A-Z, so both give the same rows. Other databases keep
    Django's `LIKE 'prefix%'` (PostgreSQL answers it from the pattern-ops index Django gives the
    unique path column)."""

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str) or self.bilateral_transforms:
            return self.as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} GLOB %s", [*params, glob_escape(self.rhs) + "*"]


_org_model = None


def register_org_model(model) -> None:
    """The orgs app's Org (registered in its ready()): scope predicates select org ids from it,
    and its `path__startswith` becomes `PathStartsWith`."""
    global _org_model
    _org_model = model
    model._meta.get_field(PATH).register_lookup(PathStartsWith)


def org_ids_under(paths: list[str]):
    """A subquery of the ids of the orgs under any of `paths` (dissolved ones too)."""
    if _org_model is None:
        raise RuntimeError("the org model is not registered (is mofan.orgs installed?)")
    return _org_model._default_manager.filter(prefix_q(paths)).values("pk")


@dataclass(frozen=True)
class SystemActor:
    """The platform itself writing: a scheduled job, the demo, a management command, setup.

    It passes every permission check (its scope is the whole tree) and signs the audit record
    with its name, so that a system write is never mistaken for a missing actor."""

    name: str
    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    @property
    def username(self) -> str:
        return f"系统：{self.name}"

    def __str__(self) -> str:
        return self.username


SYSTEM = SystemActor("平台")
DEMO = SystemActor("演示数据")
SETUP = SystemActor("初始化")
COMMAND_LINE = SystemActor("命令行")
SCHEDULED = SystemActor("定时任务")
WHOLE_TREE = ""  # every org path starts with it


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None:
        raise TypeError("scope_of() needs a user or a SystemActor, not None")
    if is_system(user):
        return Scope([GrantInfo(Role.COMMITTEE_ADMIN, None, WHOLE_TREE)])
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
