"""The bench org tree: a 机关工委, its units and their branches, built with one bulk_create."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.core.access import SYSTEM, Role
from mofan.orgs.models import CommitteePost, CommitteeSeat, Org, OrgType

ORGS_PER_UNIT = 42  # 5,000 orgs → about 120 units (机关党委 / 党总支) under one 机关工委
POSTS = [
    CommitteePost.SECRETARY,
    CommitteePost.DEPUTY_SECRETARY,
    CommitteePost.ORGANISATION,
    CommitteePost.PUBLICITY,
    CommitteePost.DISCIPLINE,
]


@dataclass
class BenchTree:
    root: Org
    unit: Org
    committee_admin: User
    unit_admin: User
    size: int
    prefix: str = "BENCH"

    def orgs(self):
        return Org.objects.filter(path__startswith=self.root.path)

    def branches(self) -> list[Org]:
        return list(self.orgs().filter(org_type=OrgType.BRANCH).order_by("path"))


def path_step(number: int) -> str:
    """Treebeard's step for the `number`-th child (1-based): base 36, `steplen` characters."""
    alphabet, digits = Org.alphabet, ""
    while number:
        number, rest = divmod(number, len(alphabet))
        digits = alphabet[rest] + digits
    if len(digits) > Org.steplen:
        raise ValueError("too many children for one org")
    return digits.rjust(Org.steplen, alphabet[0])


class _TreeRows:
    """Org rows with materialised paths computed here, saved with one bulk_create."""

    def __init__(self, prefix: str, today: date):
        self.prefix = prefix
        self.today = today
        self.orgs: list[Org] = []
        self.committee: list[tuple[str, int]] = []  # (org code, seats)

    def add(self, parent: Org | None, org_type: str, name: str, unit: str, seats: int) -> Org:
        index = len(self.orgs)
        if parent is None:
            last = Org.objects.filter(depth=1).order_by("-path").values_list("path", flat=True)
            path = path_step(int(last[0], len(Org.alphabet)) + 1 if last else 1)
        else:
            parent.numchild += 1
            path = parent.path + path_step(parent.numchild)
        term_start, term_end = self.term(index, org_type)
        org = Org(
            path=path,
            depth=len(path) // Org.steplen,
            numchild=0,
            name=name,
            code=f"{self.prefix}-{index:05d}",
            org_type=org_type,
            unit=unit,
            established_on=date(2000 + index % 20, 1 + index % 12, 1),
            sort_order=index,
            term_start=term_start,
            term_end=term_end,
        )
        self.orgs.append(org)
        if seats:
            self.committee.append((org.code, seats))
        return org

    def term(self, index: int, org_type: str) -> tuple[date | None, date | None]:
        """Most terms mid-way; some end within 90 days, some are overdue, a few are missing."""
        if org_type == OrgType.PARTY_GROUP or index % 61 == 5:
            return None, None
        if index % 50 == 7:
            end = self.today - timedelta(days=30 + index % 200)
        elif index % 17 == 3:
            end = self.today + timedelta(days=10 + index % 80)
        else:
            end = self.today + timedelta(days=200 + index * 37 % 700)
        years = 5 if org_type != OrgType.BRANCH else 3
        return end - timedelta(days=365 * years), end

    def save(self) -> dict[str, Org]:
        Org.objects.bulk_create(self.orgs, batch_size=500)
        saved = {o.code: o for o in Org.objects.filter(code__startswith=f"{self.prefix}-")}
        seats = [
            CommitteeSeat(
                org=saved[code], name=f"委员{n + 1}", post=POSTS[n % len(POSTS)], sort_order=n
            )
            for code, count in self.committee
            for n in range(count)
        ]
        CommitteeSeat.objects.bulk_create(seats, batch_size=500)
        return saved


@transaction.atomic
def build_tree(
    size: int = 5000,
    *,
    prefix: str = "BENCH",
    today: date | None = None,
    party_groups: bool = True,
) -> BenchTree:
    """A 机关工委 with about size/42 units, their branches and party groups: `size` orgs in all.

    Units alternate between 机关党委 and 党总支; each branch may hold up to two party groups
    (none with `party_groups=False`: then nearly every org is a branch). Terms vary (most
    mid-way, some ending within 90 days, some overdue, a few missing) and committees have 0, 3
    or 5 seats, so the health rules have findings to format; there are no members yet. Users: a
    committee admin on the root and a unit admin on the first unit.
    """
    if size < 4:
        raise ValueError("the bench tree needs at least 4 orgs")
    rows = _TreeRows(prefix, today or timezone.localdate())
    root = rows.add(None, OrgType.WORKING_COMMITTEE, f"{prefix} 市直机关工委", "市直机关工委", 5)
    unit_count = max(2, round(size / ORGS_PER_UNIT))
    units = []
    for number in range(1, min(unit_count, size - 2) + 1):
        big = number % 2 == 1
        name = f"单位{number:03d}"
        units.append(
            rows.add(
                root,
                OrgType.ORGAN_COMMITTEE if big else OrgType.GENERAL_BRANCH,
                f"中共{name}机关{'委员会' if big else '总支部委员会'}",
                name,
                5 if big else 3,
            )
        )
    step = 0
    while len(rows.orgs) < size:
        unit = units[step % len(units)]
        branch = rows.add(
            unit,
            OrgType.BRANCH,
            f"{unit.unit}第{unit.numchild + 1}党支部",
            unit.unit,
            [0, 3, 5][step % 3],
        )
        for _ in range(step % 3 if party_groups else 0):
            if len(rows.orgs) < size:
                rows.add(branch, OrgType.PARTY_GROUP, f"{branch.name}党小组", unit.unit, 0)
        step += 1
    saved = rows.save()
    committee_admin = bench_user(f"{prefix.lower()}-admin", Role.COMMITTEE_ADMIN, saved[root.code])
    unit_admin = bench_user(f"{prefix.lower()}-unit", Role.UNIT_ADMIN, saved[units[0].code])
    return BenchTree(
        saved[root.code], saved[units[0].code], committee_admin, unit_admin, size, prefix
    )


def size_for_branches(branches: int) -> int:
    """The `size` for which `build_tree(size, party_groups=False)` makes `branches` branches."""
    size = branches + 3
    while size - 1 - max(2, round(size / ORGS_PER_UNIT)) < branches:
        size += 1
    return size


def bench_user(username: str, role: str, org: Org) -> User:
    user = User(username=username, name=username)
    user.set_unusable_password()
    user.save()
    grant_create(actor=SYSTEM, user=user, role=role, org=org)
    return user


def check_tree(tree: BenchTree) -> None:
    """The paths, depths and numchild the builder computed are those treebeard would keep.

    What `find_problems` checks (alphabet, step length, orphans, depth, numchild), in one
    query instead of a walk over the tree.
    """
    rows = list(
        Org.objects.filter(path__startswith=tree.root.path).values_list("path", "depth", "numchild")
    )
    if len(rows) != tree.size:
        raise AssertionError(f"expected {tree.size} orgs, found {len(rows)}")
    children: dict[str, int] = {}
    for path, depth, _ in rows:
        if len(path) % Org.steplen or set(path) - set(Org.alphabet):
            raise AssertionError(f"bad path {path!r}")
        if depth != len(path) // Org.steplen:
            raise AssertionError(f"bad depth at {path}")
        if path != tree.root.path:
            children[path[: -Org.steplen]] = children.get(path[: -Org.steplen], 0) + 1
    paths = {path for path, _, _ in rows}
    if orphans := set(children) - paths:
        raise AssertionError(f"orphans under missing parents: {sorted(orphans)[:5]}")
    for path, _, numchild in rows:
        if children.get(path, 0) != numchild:
            raise AssertionError(
                f"numchild of {path} is {numchild}, counted {children.get(path, 0)}"
            )
