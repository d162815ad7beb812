"""`mofan bench`: builds a scratch database with a large org tree and times the main reads.

The user's own database is never touched: the command creates a throw-away database with
Django's test-database machinery (a temporary SQLite file, or `<name>_bench` on PostgreSQL),
fills it, and drops it at the end. Each operation prints the median, p90 and maximum wall time
over `--runs` runs (fewer for the heavy ones), the median CPU time of this process and the
number of SQL queries it costs. The sections (`--only`) and their builders and operations live
in `mofan.site.bench`: orgs, members, meetings, plans, workbench. The members are built before
the org section runs, so that the org pages read the member counters as in production.

With `--floor`, each operation that has one also times its floor (the minimal SQL for the
same rows, order and counts, `mofan.site.bench.floor`) the same way, and prints the floor's
median, the ratio operation / floor and the rows both return.
"""

import argparse
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mofan.site.bench import assessment, meetings, members, orgs, plans, workbench
from mofan.site.bench.measure import Result, measure
from mofan.site.bench.tree import BenchTree, build_tree, check_tree

SECTIONS = {
    "orgs": "组织",
    "members": "党员",
    "meetings": "组织生活",
    "plans": "创建任务",
    "workbench": "工作台",
    "assessment": "考核评价",
}


@dataclass
class Sizes:
    orgs: int = 5000
    members: int = 100_000
    imports: int = 10_000
    branches: int = 5000
    tasks: int = 50_000


class Command(BaseCommand):
    help = "性能基准：在临时数据库中造数（组织树、党员、组织生活、创建任务），测量主要页面和接口（含工作台）的耗时与查询数"

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default=",".join(SECTIONS),
            help=f"只测这些部分，逗号分隔（默认全部：{','.join(SECTIONS)}）",
        )
        parser.add_argument("--orgs", type=int, default=5000, help="组织数（默认 5000）")
        parser.add_argument("--members", type=int, default=100_000, help="党员数（默认 100000）")
        parser.add_argument(
            "--imports", type=int, default=10_000, help="花名册导入行数（默认 10000）"
        )
        parser.add_argument(
            "--branches", type=int, default=5000, help="组织生活部分的支部数（默认 5000）"
        )
        parser.add_argument("--tasks", type=int, default=50_000, help="任务数（默认 50000）")
        parser.add_argument("--runs", type=int, default=20, help="每项重复次数（默认 20）")
        parser.add_argument(
            "--analyze",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="造数后是否执行 ANALYZE（默认是：PostgreSQL 的 autovacuum 和本系统每晚的"
            "维护任务都会收集统计信息；--no-analyze 测量尚未收集时的情况）",
        )
        parser.add_argument(
            "--floor",
            action="store_true",
            help="同时测量每项操作的底线（返回同样行、顺序和计数的最简 SQL），打印底线 ms 与倍数",
        )
        parser.add_argument("--keep", action="store_true", help="保留临时数据库（用于排查）")

    def handle(self, *args, only="", runs=20, keep=False, analyze=True, floor=False, **options):
        sections = [s.strip() for s in only.split(",") if s.strip()]
        if unknown := set(sections) - set(SECTIONS):
            raise CommandError(
                f"未知的部分：{'、'.join(sorted(unknown))}（可选 {','.join(SECTIONS)}）"
            )
        sizes = Sizes(**{k: options[k] for k in Sizes.__dataclass_fields__})
        if sizes.orgs < 4 or runs < 1 or min(sizes.members, sizes.branches, sizes.tasks) < 1:
            raise CommandError("--orgs 至少为 4，--runs、--members、--branches、--tasks 至少为 1")
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
                self.analyze = analyze
                self.floor = floor
                self.run_bench(sections, sizes, runs, workdir)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
        finally:
            if keep:
                self.stdout.write(f"临时数据库已保留：{scratch}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

    def run_bench(self, sections: list[str], sizes: Sizes, runs: int, workdir: Path) -> None:
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(
            f"{connection.vendor} · {os.cpu_count()} 核 · 开始时系统负载 {load} · "
            f"{_statistics(self.analyze)} · "
            f"Python {platform.python_version()} · Django {django.get_version()}"
        )
        results: list[Result] = []
        tree = None
        if {"orgs", "members", "plans", "workbench", "assessment"} & set(sections):
            tree = self.step(f"组织树（{sizes.orgs} 个组织）", lambda: _checked_tree(sizes.orgs))
            # The org pages read the member counters: measure them with the members in place
            # (without the members section, 20 per org, as the default sizes have).
            people = sizes.members if "members" in sections else min(sizes.members, 20 * sizes.orgs)
            self.step(f"{people} 名党员", lambda: members.build_members(tree, people))
        if "orgs" in sections:
            results += self.section("orgs", orgs.operations(tree), runs)
        if "members" in sections:
            found = self.section("members", members.operations(tree, sizes.members), runs)
            found.append(members.import_roster(tree, sizes.imports, min(runs, 3), workdir))
            self.print_results(found[-1:])
            results += found
        if {"plans", "workbench", "assessment"} & set(sections):
            self.step(f"{sizes.tasks} 项任务", lambda: plans.build_tasks(tree, sizes.tasks))
        if "plans" in sections:
            results += self.section("plans", plans.operations(tree, sizes.tasks), runs)
        if {"workbench", "assessment"} & set(sections):
            # The assessment scores the same records, so it is measured with them in place.
            year = self.step(
                "本年组织生活与党费（工作台、考核）", lambda: workbench.build_workbench(tree)
            )
            self.stdout.write(f"  {workbench.describe(year)}")
        if "workbench" in sections:
            results += self.section("workbench", workbench.operations(year), runs)
        if "assessment" in sections:
            built = self.step("考核方案与两次考核", lambda: assessment.build_assessment(tree))
            self.stdout.write(f"  {assessment.describe(built)}")
            results += self.section("assessment", assessment.operations(built), runs)
        if "meetings" in sections:
            built = self.step(
                f"{sizes.branches} 个支部的一年组织生活",
                lambda: meetings.build_meetings_tree(sizes.branches),
            )
            results += self.section("meetings", meetings.operations(built), runs)
        self.summary(results)

    def step(self, label: str, build):
        start = time.perf_counter()
        self.stdout.write(f"造数：{label} …")
        built = build()
        if self.analyze:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        done = "（含 ANALYZE）" if self.analyze else ""
        self.stdout.write(f"  用时 {time.perf_counter() - start:.1f} 秒{done}")
        return built

    def section(self, key: str, operations, runs: int) -> list[Result]:
        self.stdout.write(f"\n【{SECTIONS[key]}】每项运行至多 {runs} 次：")
        results = [measure(op, runs, floor=getattr(self, "floor", False)) for op in operations]
        self.print_results(results)
        return results

    def print_results(self, results: list[Result]) -> None:
        self.stdout.write(self.table(results))
        for r in results:
            if r.note:
                self.stdout.write(f"  {r.name}：{r.note}")
            if r.rows is not None and r.rows != r.floor_rows:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {r.name}：底线返回 {r.floor_rows} 行，操作显示 {r.rows} 行，不一致"
                    )
                )

    def summary(self, results: list[Result]) -> None:
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(f"\n结束时系统负载 {load}")
        missed = [r for r in results if not r.met]
        if not missed:
            self.stdout.write(self.style.SUCCESS("每项均达到目标"))
            return
        for r in missed:
            # SQLite runs in this process, so its CPU time is the whole work; PostgreSQL's is not.
            cpu_ok = connection.vendor == "sqlite" and r.cpu_median < r.target_ms and r.limits_met
            hint = "（CPU 时间达标，墙钟超出可能因系统负载）" if cpu_ok else ""
            self.stdout.write(
                self.style.WARNING(
                    f"未达标：{r.name} 中位数 {_ms(r.median)}，目标 < {_ms(r.target_ms)}{hint}"
                )
            )

    def table(self, results: list[Result]) -> str:
        headers = ["操作", "中位数 ms", "p90 ms", "最大 ms", "CPU ms", "查询数", "目标 ms", "达标"]
        rows = [
            [
                r.name,
                f"{r.median:.1f}",
                f"{r.p90:.1f}",
                f"{max(r.times_ms):.1f}",
                f"{r.cpu_median:.1f}",
                str(r.queries),
                f"<{r.target_ms:.0f}",
                "是" if r.met else "否",
            ]
            for r in results
        ]
        if getattr(self, "floor", False):
            headers += ["底线 ms", "底线查询", "倍数", "行数"]
            for row, r in zip(rows, results, strict=True):
                if r.ratio is None:
                    row += ["-", "-", "-", "-"]
                else:
                    shown = "" if r.rows is None else f"{r.rows}/"
                    row += [
                        f"{r.floor_median:.2f}",
                        str(r.floor_queries),
                        f"{r.ratio:.1f}×",
                        f"{shown}{r.floor_rows}",
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


def _statistics(analyze: bool) -> str:
    if analyze:
        return "造数后 ANALYZE"
    return "造数后未 ANALYZE（每晚维护任务或 autovacuum 尚未运行时的情况）"


def _checked_tree(size: int) -> BenchTree:
    tree = build_tree(size)
    check_tree(tree)
    return tree


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} 秒" if value >= 1000 else f"{value:.0f} ms"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding
