"""Members section: 100,000 member records in the tree, the list pages, search, API, export,
and a roster import of 10,000 rows (timed in a child process, which also reports its memory)."""

import json
import random
import statistics
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from mofan.core.dates import add_years
from mofan.members import crypto, idcard
from mofan.members.counts import members_recount_all
from mofan.members.demo import BASES, GIVEN, POSTS, REGIONS, SURNAMES
from mofan.members.excel import COLUMNS
from mofan.members.models import CURRENT_STATUSES, Category, Education, Member, Status
from mofan.members.search import name_grams_rebuild_all
from mofan.orgs.models import Org, OrgType
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
from mofan.site.bench.measure import Operation, Result, client_for, get
from mofan.site.bench.tree import BenchTree

BORN_FROM = date(1960, 1, 1)
BORN_DAYS = 35 * 365  # birth dates 1960–1994: everyone is over 30
BATCH = 5000
SEARCH = SURNAMES[0]  # 王: person n has surname n mod 100, so one in a hundred
EXPORT_TARGET_MS = 30_000
IMPORT_TARGET_MS = 20_000
IMPORT_MEMORY_MB = 500
IMPORT_FIRST = 60_000_000  # person numbers of imported rows: apart from the built members
EDUCATIONS = [Education.POSTGRADUATE, Education.BACHELOR, Education.BACHELOR, Education.COLLEGE]


def id_number(n: int, sex: str) -> tuple[str, date]:
    """The `n`-th fictional but valid ID number and its birth date: distinct for every n below
    about 76 million (region × birth date × sequence)."""
    region = REGIONS[n % len(REGIONS)]
    day = n // len(REGIONS)
    born = BORN_FROM + timedelta(days=day % BORN_DAYS)
    return idcard.make(region, born, 2 * (day // BORN_DAYS), sex), born


def person(n: int, today: date) -> dict:
    """Person `n`'s record fields, the same every time (the import updates some of them)."""
    rng = random.Random(n)
    sex = "female" if n % 5 in (1, 3) else "male"
    number, born = id_number(n, sex)
    probationary = n % 13 == 4
    if probationary:
        joined, full = today - timedelta(days=30 + n % 300), None
    else:
        joined = min(add_years(born.replace(day=1), 20 + n % 12), today - timedelta(days=800))
        full = add_years(joined, 1)
    return {
        "name": SURNAMES[n % len(SURNAMES)] + "".join(rng.choice(GIVEN) for _ in range(1 + n % 2)),
        "sex": sex,
        "id_number": number,
        "birth_date": born,
        "education": EDUCATIONS[n % len(EDUCATIONS)],
        "category": Category.PROBATIONARY if probationary else Category.FULL,
        "joined_on": joined,
        "full_member_on": full,
        "post": POSTS[n % len(POSTS)],
        "phone": f"139{n % 10**8:08d}",
        "dues_base": BASES[n % len(BASES)],
    }


def _status(n: int) -> str:
    """About 3% are history (transferred out, deceased), 1% mobile."""
    if n % 97 == 13:
        return Status.TRANSFERRED_OUT
    if n % 89 == 21:
        return Status.DECEASED
    if n % 101 == 7:
        return Status.MOBILE
    return Status.NORMAL


class _Branches:
    """The tree's branches and their party groups; person n sits in branch n mod B."""

    def __init__(self, tree: BenchTree):
        self.branches = tree.branches()
        self.groups: dict[str, list[Org]] = {}
        for group in tree.orgs().filter(org_type=OrgType.PARTY_GROUP).order_by("path"):
            self.groups.setdefault(group.path[: -Org.steplen], []).append(group)

    def place(self, n: int) -> tuple[Org, Org | None]:
        count = len(self.branches)
        branch = self.branches[n % count]
        groups = self.groups.get(branch.path, [])
        in_group = groups and (n // count) % 2 == 0
        return branch, groups[(n // count // 2) % len(groups)] if in_group else None


def _member(n: int, branches: _Branches, today: date) -> Member:
    fields = person(n, today)
    number = fields.pop("id_number")
    branch, group = branches.place(n)
    return Member(
        **fields,
        id_number_cipher=crypto.encrypt(number),
        id_number_hash=crypto.keyed_hash(number),
        id_number_masked=idcard.mask(number),
        org=branch,
        party_group=group,
        work_unit=branch.unit,
        status=_status(n),
    )


@transaction.atomic
def build_members(tree: BenchTree, count: int, *, first: int | None = None) -> int:
    """`count` members spread evenly over the tree's branches (persons first … first+count-1;
    by default after those already in the database), saved with bulk_create in batches; ID
    numbers encrypted, hashed and masked as the service stores them."""
    today = timezone.localdate()
    first = Member.objects.count() if first is None else first
    branches = _Branches(tree)
    for start in range(first, first + count, BATCH):
        batch = [
            _member(n, branches, today) for n in range(start, min(start + BATCH, first + count))
        ]
        Member.objects.bulk_create(batch, batch_size=1000)
    members_recount_all()  # bulk_create bypasses the services that keep the counters
    name_grams_rebuild_all()  # and the name index
    return count


def operations(tree: BenchTree, members: int) -> list[Operation]:
    unit_admin = client_for(tree.unit_admin)
    admin = client_for(tree.committee_admin)
    api = client_for(tree.committee_admin, token=True)
    root, unit = tree.root.id, tree.unit.id
    on_page = context_rows("page")
    return [
        Operation(
            "单位党员列表第 1 页 /members/?org=单位",
            get(unit_admin, f"/members/?org={unit}"),
            floor=lambda: member_page_floor(tree.unit.path, 1),
            shown=on_page,
        ),
        Operation(
            "全部党员第 50 页 /members/?org=工委&page=50",
            get(admin, f"/members/?org={root}&page=50"),
            floor=lambda: member_page_floor(tree.root.path, 50),
            shown=on_page,
        ),
        Operation(
            f"姓名搜索 /members/?q={SEARCH}",
            get(admin, f"/members/?q={SEARCH}"),
            floor=lambda: member_page_floor(tree.root.path, 1, text=SEARCH),
            shown=on_page,
        ),
        Operation(
            "党员列表接口 /api/v1/members?page=1",
            get(api, "/api/v1/members?page=1"),
            floor=lambda: member_page_floor(tree.root.path, 1, columns=API_COLUMNS),
            shown=json_rows("items"),
        ),
        Operation(
            f"导出 {members} 名党员 /members/export.xlsx",
            get(admin, f"/members/export.xlsx?org={root}"),
            target_ms=EXPORT_TARGET_MS,
            runs=3,
            warmup=0,
        ),
    ]


# --- floors ---------------------------------------------------------------------------------

MEMBER, ORG = table(Member), table(Org)
PAGE_COLUMNS = (
    "m.id, m.name, m.sex, m.birth_date, m.id_number_masked, m.category, o.name, m.joined_on, "
    "m.status"
)
API_COLUMNS = (
    "m.id, m.name, m.sex, m.ethnicity, m.id_number_masked, m.birth_date, m.native_place, "
    "m.education, m.category, m.org_id, m.party_group_id, m.joined_on, m.full_member_on, "
    "m.work_unit, m.post, m.phone, m.status, m.is_hardship, m.dues_category, m.dues_base, "
    "m.remarks"
)


def member_page_floor(
    path: str, page_number: int, *, text: str = "", columns: str = PAGE_COLUMNS, size: int = 50
) -> list[tuple]:
    """A page of the current members under `path` in the list's order (branch path, name),
    with the total count first, as the paginator does; `text` as the search does (name
    contains, or phone starts with). A page past the end is the last one, as get_page does."""
    where = f"m.status IN ({placeholders(CURRENT_STATUSES)})"
    params = [*CURRENT_STATUSES]
    if text:
        where += " AND (m.name LIKE %s OR m.phone LIKE %s)"
        params += [f"%{text}%", f"{text}%"]
    count = one(
        f"SELECT COUNT(*) FROM {MEMBER} m WHERE {where} "
        f"AND m.org_id IN (SELECT id FROM {ORG} WHERE {under('path')})",
        [*params, prefix(path)],
    )
    page_number = min(page_number, max(1, -(-count // size)))  # past the end: the last page
    return rows(
        f"SELECT {columns} FROM {MEMBER} m JOIN {ORG} o ON o.id = m.org_id "
        f"WHERE {where} AND {under('o.path')} ORDER BY o.path, m.name, m.id LIMIT %s OFFSET %s",
        [*params, prefix(path), size, (page_number - 1) * size],
    )


# --- roster import -------------------------------------------------------------------------

HEADERS = [header for header, _ in COLUMNS]


def roster_file(
    path: Path, tree: BenchTree, rows: int, *, first: int, updates: int, update_from: int = 0
) -> Path:
    """A roster as units keep it: a title row, the headers, `rows` people. The first
    rows - `updates` are new people (persons first …); the rest are members already on record
    (persons update_from … of the tree's members, see `person`) with a new phone and post."""
    today = timezone.localdate()
    branches = _Branches(tree)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append([f"{tree.root.name}党员花名册"])
    sheet.append(HEADERS)
    updated = range(update_from, update_from + updates)
    for n in [*range(first, first + rows - updates), *updated]:
        sheet.append(_roster_row(n, branches, today, update=n < first))
    workbook.save(path)
    return path


def _roster_row(n: int, branches: _Branches, today: date, *, update: bool) -> list:
    fields = person(n, today)
    branch, group = branches.place(n)
    if update:
        fields["phone"], fields["post"] = f"138{n % 10**8:08d}", "主任科员"
    values = {
        **fields,
        "sex": "男" if fields["sex"] == "male" else "女",
        "education": Education(fields["education"]).label,
        "category": Category(fields["category"]).label,
        "org": branch.code,
        "party_group": group.code if group else "",
        "work_unit": branch.unit,
        "dues_category": "在职",
        "ethnicity": "汉族",
    }
    return [values.get(key, "") for _, key in COLUMNS]


def import_roster(tree: BenchTree, rows: int, runs: int, workdir: Path) -> Result:
    """check_roster + commit_roster (what the page's confirm step runs) on `rows` rows, one
    tenth of them updates, in a child process per run so that its peak memory is its own; the
    child reports its own times. Each run imports other people."""
    result = Result(
        f"导入花名册 {rows} 行（check_roster + commit_roster）", target_ms=IMPORT_TARGET_MS
    )
    reports = []
    for run in range(runs):
        upload = roster_file(
            workdir / f"roster-{run}.xlsx",
            tree,
            rows,
            first=IMPORT_FIRST + run * rows,
            updates=rows // 10,
            update_from=run * (rows // 10),
        )
        report = _run_child(upload, tree.committee_admin.pk)
        result.times_ms.append(report["wall_ms"])
        result.cpu_ms.append(report["cpu_ms"])
        result.queries = report["queries"]
        reports.append(report)
    worst = max(reports, key=lambda r: r["peak_mb"])
    result.note = (
        f"子进程峰值内存 {worst['peak_mb']:.0f} MB（导入前 {worst['base_mb']:.0f} MB，"
        f"增加 {worst['peak_mb'] - worst['base_mb']:.0f} MB；目标 < {IMPORT_MEMORY_MB} MB）；"
        f"预览 check_roster {_median(reports, 'check_ms') / 1000:.1f} 秒、"
        f"写入 commit_roster {_median(reports, 'commit_ms') / 1000:.1f} 秒（中位数）；"
        f"每次新增 {worst['created']}、更新 {worst['updated']}"
    )
    result.limits_met = worst["peak_mb"] < IMPORT_MEMORY_MB
    return result


def _median(reports: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in reports)


def _run_child(upload: Path, user_id: int) -> dict:
    database = str(connection.settings_dict["NAME"])
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mofan.site.bench.import_child",
            database,
            str(upload),
            str(user_id),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"import child failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
