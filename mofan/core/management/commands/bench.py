"""`mofan bench`: builds a scratch database with a large org tree and times the main reads.

The user's own database is never touched: the command creates a throw-away database with
Django's test-database machinery (a temporary SQLite file, or `<name>_bench` on PostgreSQL),
fills it with `build_tree`, and drops it at the end. Each operation prints the median, p90 and
maximum time over `--runs` runs and the number of SQL queries it costs. Later modules add their
operations to `operations()`.
"""

import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.accounts.models import User
from mofan.accounts.roles import Role
from mofan.accounts.services import grant_create, token_create
from mofan.orgs.health import subtree_health
from mofan.orgs.models import CommitteeMember, CommitteePost, Org, OrgType

TARGET_MS = 100
API_PAGE = "/api/v1/orgs?page=1&page_size=50"
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
            CommitteeMember(
                org=saved[code], name=f"委员{n + 1}", post=POSTS[n % len(POSTS)], sort_order=n
            )
            for code, count in self.committee
            for n in range(count)
        ]
        CommitteeMember.objects.bulk_create(seats, batch_size=500)
        return saved


@transaction.atomic
def build_tree(size: int = 5000, *, prefix: str = "BENCH", today: date | None = None) -> BenchTree:
    """A 机关工委 with about size/42 units, their branches and party groups: `size` orgs in all.

    Units alternate between 机关党委 and 党总支; each branch may hold up to two party groups.
    Terms vary (most mid-way, some ending within 90 days, some overdue, a few missing) and
    committees have 0, 3 or 5 seats, so the health rules have findings to format; there are no
    members yet. Users: a committee admin on the root and a unit admin on the first unit.
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
        for _ in range(step % 3):
            if len(rows.orgs) < size:
                rows.add(branch, OrgType.PARTY_GROUP, f"{branch.name}党小组", unit.unit, 0)
        step += 1
    saved = rows.save()
    committee_admin = _bench_user(f"{prefix.lower()}-admin", Role.COMMITTEE_ADMIN, saved[root.code])
    unit_admin = _bench_user(f"{prefix.lower()}-unit", Role.UNIT_ADMIN, saved[units[0].code])
    return BenchTree(saved[root.code], saved[units[0].code], committee_admin, unit_admin, size)


def _bench_user(username: str, role: str, org: Org) -> User:
    user = User(username=username, name=username)
    user.set_unusable_password()
    user.save()
    grant_create(actor=None, user=user, role=role, org=org)
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


@dataclass
class Operation:
    name: str
    call: Callable[[], object]


@dataclass
class Result:
    name: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p90(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def client_for(user: User, *, token: bool = False) -> Client:
    if token:
        _, plain = token_create(actor=None, user=user, name="bench")
        return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str, expect: int = 200):
    def call():
        response = client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url} → {response.status_code}, expected {expect}")
        return response

    return call


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


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def measure(operation: Operation, runs: int, warmup: int = 2) -> Result:
    for _ in range(warmup):
        operation.call()
    result = Result(operation.name, queries=count_queries(operation.call))
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        operation.call()
        result.times_ms.append((time.perf_counter() - start) * 1000)
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
    return result


class Command(BaseCommand):
    help = "性能基准：在临时数据库中建立约 5000 个组织的组织树，测量主要页面和接口的耗时与查询数"

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=5000, help="组织数（默认 5000）")
        parser.add_argument("--runs", type=int, default=20, help="每项重复次数（默认 20）")
        parser.add_argument("--keep", action="store_true", help="保留临时数据库（用于排查）")

    def handle(self, *args, orgs=5000, runs=20, keep=False, **options):
        if orgs < 4 or runs < 1:
            raise CommandError("--orgs 至少为 4，--runs 至少为 1")
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append("testserver")
        old_name = connection.settings_dict["NAME"]
        workdir = Path(tempfile.mkdtemp(prefix="mofan-bench-"))
        scratch = (
            str(workdir / "bench.sqlite3") if connection.vendor == "sqlite" else f"{old_name}_bench"
        )
        connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
        self.stdout.write(f"建立临时数据库 {scratch} …")
        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                self.run_bench(orgs, runs)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
        finally:
            if keep:
                self.stdout.write(f"临时数据库已保留：{scratch}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

    def run_bench(self, size: int, runs: int) -> None:
        start = time.perf_counter()
        tree = build_tree(size)
        check_tree(tree)
        built = time.perf_counter() - start
        self.stdout.write(f"已建立 {tree.size} 个组织（{built:.1f} 秒）；每项运行 {runs} 次：")
        results = [measure(op, runs) for op in operations(tree)]
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(
            f"{connection.vendor} · {os.cpu_count()} 核 · 系统负载 {load} · "
            f"Python {platform.python_version()} · Django {django.get_version()}"
        )
        self.stdout.write(self.table(results))
        slow = [r.name for r in results if r.median >= TARGET_MS]
        if slow:
            self.stdout.write(self.style.WARNING(f"中位数超过 {TARGET_MS} ms：{'、'.join(slow)}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"每项中位数均低于 {TARGET_MS} ms"))

    def table(self, results: list[Result]) -> str:
        headers = ["操作", "中位数 ms", "p90 ms", "最大 ms", "CPU ms", "查询数"]
        rows = [
            [
                r.name,
                f"{r.median:.1f}",
                f"{r.p90:.1f}",
                f"{max(r.times_ms):.1f}",
                f"{r.cpu_median:.1f}",
                str(r.queries),
            ]
            for r in results
        ]
        widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        lines = []
        for row in [headers, *rows]:
            cells = [_pad(row[0], widths[0])]
            cells += [
                _pad(cell, width, right=True)
                for cell, width in zip(row[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells))
        return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding
