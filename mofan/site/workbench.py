"""The 工作台 (home page of each role): to-dos with counts and links, and charts from facts.

Only the composition package reads across modules like this. Every count comes from the
owning app's scoped selector or from the facts layer over the actor's own orgs, and every link
is the list page of those records with a filter that page already understands. The number of
queries is fixed whatever the size of the tree (one aggregate per module, facts in bulk)."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from mofan.core.access import scope_of
from mofan.core.dates import add_years
from mofan.core.facts import rollup
from mofan.core.periods import Span
from mofan.meetings.elections import terms_expiring
from mofan.meetings.selectors import owed_this_period
from mofan.members import development
from mofan.members.models import Category, Education, Transfer
from mofan.members.selectors import candidate_list, member_list, transfer_list
from mofan.orgs.models import BRANCH_TYPES, OrgType
from mofan.orgs.selectors import org_list
from mofan.plans.models import Assignment, TaskStatus
from mofan.plans.selectors import assignment_list, task_list

UNIT_LIMIT = 30  # bars per chart; a tree with more units shows the first ones by path
AGE_BANDS = [
    ("35岁及以下", None, 35),
    ("36至45岁", 36, 45),
    ("46至55岁", 46, 55),
    ("56岁及以上", 56, None),
]


@dataclass
class Todo:
    label: str
    count: int
    url: str
    tone: str = ""  # "danger" for overdue, "warning" for waiting on the user


@dataclass
class Workbench:
    todos: list[Todo] = field(default_factory=list)
    owed: list = field(default_factory=list)  # (org, label, url) lines of meetings still owed
    charts: dict = field(default_factory=dict)  # chart id → data for json_script

    @property
    def chart_cards(self) -> list[tuple[str, str, dict]]:
        """(chart element id, id of its json_script data, data) for the template."""
        return [(chart_id, f"{chart_id}-data", data) for chart_id, data in self.charts.items()]


def _url(name: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


# --- to-dos -----------------------------------------------------------------------------------


def _task_todos(actor, today: date) -> list[Todo]:
    open_ = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]
    counts = task_list(actor=actor).aggregate(
        not_started=Count("pk", filter=Q(status=TaskStatus.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
        submitted=Count("pk", filter=Q(status=TaskStatus.SUBMITTED)),
        overdue=Count("pk", filter=Q(status__in=open_, deadline__lt=today)),
    )
    tasks = "plans:tasks"
    return [
        Todo("逾期任务", counts["overdue"], _url(tasks, status="overdue"), "danger"),
        Todo("未开始的任务", counts["not_started"], _url(tasks, status=TaskStatus.NOT_STARTED)),
        Todo("进行中待报告进展", counts["in_progress"], _url(tasks, status=TaskStatus.IN_PROGRESS)),
        Todo(
            "待验收的任务", counts["submitted"], _url(tasks, status=TaskStatus.SUBMITTED), "warning"
        ),
    ]


def _supervision_todos(actor) -> list[Todo]:
    # The 督办 register has no status filter yet: the link opens the register itself.
    counts = assignment_list(actor=actor).aggregate(
        pending=Count("pk", filter=Q(status=Assignment.Status.PENDING)),
        answered=Count("pk", filter=Q(status=Assignment.Status.ANSWERED)),
    )
    url = _url("plans:supervision")
    return [
        Todo("督办事项待反馈", counts["pending"], url, "warning"),
        Todo("督办事项已反馈待办结", counts["answered"], url),
    ]


def _other_todos(actor, today: date) -> list[Todo]:
    pending = transfer_list(actor=actor).filter(status=Transfer.Status.PENDING).count()
    terms = terms_expiring(org_list(actor=actor), today).count()
    # The same candidates and the same overdue test as the 发展党员 ledger's ?overdue=1.
    candidates = (
        candidate_list(actor=actor)
        .filter(stopped_on__isnull=True)
        .exclude(last_step=development.LAST_STEP)
    )
    steps_due = sum(1 for row in development.pipeline(candidates) if row.overdue(today))
    return [
        Todo(
            "待处理的组织关系转接",
            pending,
            _url("members:transfers", status=Transfer.Status.PENDING),
            "warning",
        ),
        Todo("任期将满或已满的组织", terms, _url("meetings:terms")),
        Todo("发展党员逾期未办的步骤", steps_due, _url("members:development", overdue=1), "danger"),
    ]


def _owed_lines(actor, today: date, units: list) -> list:
    """Meetings still owed this month and quarter: one line per branch for a secretary, one
    line per unit (how many of its branches and groups still owe) for an admin."""
    owed = owed_this_period(actor=actor, today=today)
    if not scope_of(actor).is_admin:
        return [(org, "、".join(kinds), _url("meetings:list", org=org.id)) for org, kinds in owed]
    lines = []
    for unit in units:
        inside = [org for org, _ in owed if org.path.startswith(unit.path)]
        if inside:
            url = _url("meetings:compliance", org=unit.id, year=today.year)
            lines.append((unit, f"{len(inside)} 个支部（党小组）尚有应开未开的会议", url))
    return lines


# --- charts -----------------------------------------------------------------------------------


def _units(actor) -> tuple[list, list]:
    """The actor's top orgs, and the units the charts compare: the orgs right below the top
    ones (or the top ones themselves when nothing is below them)."""
    root_paths = scope_of(actor).root_paths
    visible = org_list(actor=actor)
    roots = list(visible.filter(path__in=root_paths).order_by("path"))
    below = Q(pk__in=[])
    for root in roots:
        below |= Q(path__startswith=root.path, depth=root.depth + 1)
    below = visible.filter(below).exclude(org_type=OrgType.PARTY_GROUP)  # a branch is its own unit
    units = list(below.order_by("path")[:UNIT_LIMIT])
    return roots, units or roots


def _bar(label, value, url) -> dict:
    return {"name": label, "value": value, "url": url}


def _charts(actor, today: date, roots: list, units: list) -> dict:
    typed = org_list(actor=actor, include_dissolved=True).values_list("id", "path", "org_type")
    typed = list(typed)
    rows = [(org_id, path) for org_id, path, _ in typed]
    # Members and dues are kept by branches only: their facts need the branches and the roots.
    root_ids = {r.id for r in roots}
    branch_rows = [
        (org_id, path)
        for org_id, path, org_type in typed
        if org_type in BRANCH_TYPES or org_id in root_ids
    ]
    year = Span.year(today.year)
    unit_ids = [u.id for u in units]
    first, last = year.start.isoformat(), date(today.year, 12, 31).isoformat()

    def by_unit(code):
        return rollup(code, orgs=rows, span=year, as_of=today, roots=unit_ids)

    life = by_unit("meetings.compliance")
    assigned, done, overdue = (by_unit(f"plans.tasks.{c}") for c in ("assigned", "done", "overdue"))
    charts = {
        "chart-life": {
            "kind": "bar",
            "title": f"{today.year}年组织生活按期完成率",
            "unit": "%",
            "series": [
                {
                    "name": "完成率",
                    "data": [
                        _bar(
                            u.name,
                            float(life[u.id]) if life[u.id] is not None else None,
                            _url("meetings:compliance", org=u.id, year=today.year),
                        )
                        for u in units
                    ],
                }
            ],
        },
        "chart-tasks": {
            "kind": "bar",
            "title": f"{today.year}年任务完成与逾期",
            "unit": "项",
            "series": [
                {
                    "name": name,
                    "data": [
                        _bar(
                            u.name,
                            values[u.id],
                            _url(
                                "plans:tasks",
                                owner=u.id,
                                status=status,
                                due_after=first,
                                due_before=last,
                            ),
                        )
                        for u in units
                    ],
                }
                for name, values, status in (
                    ("下达", assigned, ""),
                    ("已完成", done, TaskStatus.DONE),
                    ("逾期", overdue, "overdue"),
                )
            ],
        },
    }
    charts |= _member_structure(actor, today, branch_rows, roots)
    charts["chart-dues"] = _dues_by_month(today, branch_rows, roots)
    return charts


def _member_structure(actor, today: date, rows, roots) -> dict:
    root_ids = [r.id for r in roots]
    categories = {
        c: sum(
            rollup(
                f"members.{c.value}",
                orgs=rows,
                span=Span.year(today.year),
                as_of=today,
                roots=root_ids,
            ).values()
        )
        for c in Category
    }
    bands = {
        label: Q(
            *([Q(birth_date__lte=add_years(today, -low))] if low is not None else []),
            *([Q(birth_date__gt=add_years(today, -(high + 1)))] if high is not None else []),
        )
        for label, low, high in AGE_BANDS
    }
    members = member_list(actor=actor)
    aggregates = {f"age{i}": Count("pk", filter=q) for i, q in enumerate(bands.values())}
    aggregates |= {f"edu_{e.value}": Count("pk", filter=Q(education=e)) for e in Education}
    counts = members.aggregate(**aggregates)
    member_url = "members:list"
    pies = {
        "chart-members-category": (
            "党员类别",
            [_bar(c.label, categories[c], _url(member_url, category=c.value)) for c in Category],
        ),
        "chart-members-age": (
            "党员年龄结构",
            [
                _bar(label, counts[f"age{i}"], _url(member_url, age_min=low, age_max=high))
                for i, (label, low, high) in enumerate(AGE_BANDS)
            ],
        ),
        "chart-members-education": (
            "党员学历结构",
            [
                _bar(e.label, counts[f"edu_{e.value}"], _url(member_url, education=e.value))
                for e in Education
                if counts[f"edu_{e.value}"]
            ],
        ),
    }
    return {
        chart_id: {
            "kind": "pie",
            "title": title,
            "unit": "人",
            "series": [{"name": title, "data": data}],
        }
        for chart_id, (title, data) in pies.items()
    }


def _dues_by_month(today: date, rows, roots) -> dict:
    root_ids = [r.id for r in roots]
    data = []
    for month in range(1, today.month + 1):
        paid = rollup(
            "members.dues.paid",
            orgs=rows,
            span=Span.month(today.year, month),
            as_of=today,
            roots=root_ids,
        )
        data.append(_bar(f"{month}月", float(sum(paid.values())), _url("members:dues_summary")))
    return {
        "kind": "line",
        "title": f"{today.year}年各月实缴党费",
        "unit": "元",
        "series": [{"name": "实缴党费", "data": data}],
    }


def workbench_for(*, actor, today: date) -> Workbench:
    """To-dos for who records or administers; the same charts for everyone over their scope
    (the read-only leader gets charts of the whole tree and no to-dos)."""
    roots, units = _units(actor)
    if not roots:
        return Workbench()
    bench = Workbench(charts=_charts(actor, today, roots, units))
    if scope_of(actor).records_anywhere:
        bench.todos = (
            _task_todos(actor, today) + _supervision_todos(actor) + _other_todos(actor, today)
        )
        bench.owed = _owed_lines(actor, today, units)
    return bench
