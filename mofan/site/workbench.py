"""The 工作台 (home page of each role): to-dos with counts and links, and charts from facts.

Only the composition package reads across modules like this. Every count comes from the
owning app's scoped selector or from the facts layer over the actor's own orgs, and every link
is the list page of those records with a filter that page understands. The number of queries
is fixed whatever the size of the tree: one aggregate per module for the to-dos, and the facts
grouped in the database (per unit by path prefix, or summed over the scope read as a
subquery) rather than one IN list of every org per fact. Per-unit figures read only the units
shown. Nothing is cached: a to-do is counted on every visit."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from mofan.appraisal.models import RoundStatus as AppraisalStatus
from mofan.appraisal.selectors import round_list as appraisal_round_list
from mofan.assessment.selectors import open_steps_for
from mofan.brands.models import Status as ApplicationStatus
from mofan.brands.selectors import application_list, brand_list
from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.periods import Span
from mofan.meetings.compliance import by_unit as compliance_by_unit
from mofan.meetings.elections import terms_expiring
from mofan.meetings.selectors import owed_this_period
from mofan.members import development
from mofan.members.facts import (
    AGE_BANDS,
    dues_paid_by_month,
    members_in_arrears,
    structure_totals,
)
from mofan.members.models import Category, Education, Transfer
from mofan.members.selectors import candidate_list, transfer_list
from mofan.orgs.models import BRANCH_TYPES, OrgType
from mofan.orgs.selectors import org_list, orgs_under_roles
from mofan.plans.facts import tasks_by_unit
from mofan.plans.models import Assignment, TaskStatus
from mofan.plans.selectors import assignment_list, returned_q, task_list

UNIT_LIMIT = 30  # bars per chart; a tree with more units shows the first ones by path


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
        returned=Count("pk", filter=returned_q()),
    )
    tasks = "plans:tasks"
    return [
        Todo("逾期任务", counts["overdue"], _url(tasks, status="overdue"), "danger"),
        Todo("未开始的任务", counts["not_started"], _url(tasks, status=TaskStatus.NOT_STARTED)),
        Todo("进行中待报告进展", counts["in_progress"], _url(tasks, status=TaskStatus.IN_PROGRESS)),
        Todo("被退回待重新报请验收", counts["returned"], _url(tasks, status="returned"), "warning"),
        Todo(
            "待验收的任务", counts["submitted"], _url(tasks, status=TaskStatus.SUBMITTED), "warning"
        ),
    ]


def _supervision_todos(actor, today: date) -> list[Todo]:
    """Counted as the 督办 register's status filter lists them: one row per 督办事项 with an
    assignment in that status (an item sent to two units is one row)."""
    pending = Assignment.Status.PENDING

    def items(condition: Q) -> Count:
        return Count("instruction", filter=condition, distinct=True)

    counts = assignment_list(actor=actor).aggregate(
        pending=items(Q(status=pending)),
        overdue=items(Q(status=pending, deadline__lt=today)),
        answered=items(Q(status=Assignment.Status.ANSWERED)),
    )
    register = "plans:supervision"
    return [
        Todo("督办事项待反馈", counts["pending"], _url(register, status="pending"), "warning"),
        Todo("督办事项逾期未反馈", counts["overdue"], _url(register, status="overdue"), "danger"),
        Todo("督办事项已反馈待办结", counts["answered"], _url(register, status="answered")),
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
    # As the member list's ?arrears=1 finds them: an unpaid month of this year already over.
    arrears = len(members_in_arrears(org_list(actor=actor), Span.year(today.year), as_of=today))
    return [
        Todo(
            "待处理的组织关系转接",
            pending,
            _url("members:transfers", status=Transfer.Status.PENDING),
            "warning",
        ),
        Todo("任期将满或已满的组织", terms, _url("meetings:terms")),
        Todo("发展党员逾期未办的步骤", steps_due, _url("members:development", overdue=1), "danger"),
        Todo("本年度欠缴党费的党员", arrears, _url("members:list", arrears=1), "danger"),
    ]


def _assessment_todos(actor, today: date) -> list[Todo]:
    """Steps of 考核评价, 述职评议 and 四强/党建品牌 that wait for the actor."""
    scope = scope_of(actor)
    steps = [
        Todo(label, count, url, "warning")
        for label, count, url in open_steps_for(actor=actor, today=today)
    ]
    reports = (
        appraisal_round_list(actor=actor)
        .filter(status=AppraisalStatus.REPORTS, reporters__user=actor, reporters__report="")
        .count()
    )
    if scope.is_committee_admin:
        waiting, verb = ApplicationStatus.UNIT_PASSED, "认定"
    else:
        waiting, verb = ApplicationStatus.SUBMITTED, "审核"
    reviews = scope.is_admin
    four_strong = application_list(actor=actor).filter(status=waiting).count() if reviews else 0
    brands = brand_list(actor=actor).filter(status=waiting).count() if reviews else 0
    return steps + [
        Todo("述职报告待提交", reports, _url("appraisal:rounds"), "warning"),
        Todo(
            f"四强党支部申报待{verb}",
            four_strong,
            _url("brands:queue", status=waiting),
            "warning",
        ),
        Todo(f"党建品牌申报待{verb}", brands, _url("brands:brands", status=waiting), "warning"),
    ]


def _owed_lines(actor, today: date, units: list) -> list:
    """Meetings still owed this month and quarter: one line per branch for a secretary, one
    line per unit (how many of its branches and groups still owe) for an admin."""
    if not scope_of(actor).is_admin:
        owed = owed_this_period(actor=actor, today=today)
        return [(org, "、".join(kinds), _url("meetings:list", org=org.id)) for org, kinds in owed]
    recorded = orgs_under_roles(
        actor=actor, roles=RECORDER_ROLES, org_types=[*BRANCH_TYPES, OrgType.PARTY_GROUP]
    )
    # Only the month and quarter running today matter here: read that quarter's meetings.
    owing = _compliance_by_unit(units, recorded, Span.quarter_of(today), today)
    return [
        (
            unit,
            f"{owing[unit.id].owing_now} 个支部（党小组）尚有应开未开的会议",
            _url("meetings:compliance", org=unit.id, year=today.year),
        )
        for unit in units
        if owing[unit.id].owing_now
    ]


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
    units = list(below.order_by("path").only("id", "path", "name", "depth")[:UNIT_LIMIT])
    return roots, units or roots


def _by_length(units) -> list[dict[str, int]]:
    """`{path: id}` of the units, one dict per path length (the per-unit queries group by a
    path prefix of one length; units under roots at different depths make two)."""
    groups: dict[int, dict[str, int]] = {}
    for unit in units:
        groups.setdefault(len(unit.path), {})[unit.path] = unit.id
    return list(groups.values())


def _under(units) -> Q:
    """The units' sub-trees: what the per-unit figures read (not the units left off)."""
    inside = Q(pk__in=[])
    for unit in units:
        inside |= Q(path__startswith=unit.path)
    return inside


def _compliance_by_unit(units, orgs_query, span: Span, today: date) -> dict:
    found = {}
    for paths in _by_length(units):
        found |= compliance_by_unit(paths, orgs_query.filter(_under(units)), span, today)
    return found


def _bar(label, value, url) -> dict:
    return {"name": label, "value": value, "url": url}


def _charts(actor, today: date, roots: list, units: list) -> dict:
    year = Span.year(today.year)
    first, last = year.start.isoformat(), year.last.isoformat()
    visible = org_list(actor=actor, include_dissolved=True)
    life = _compliance_by_unit(units, visible, year, today)
    tasks = {}
    for paths in _by_length(units):
        tasks |= tasks_by_unit(paths, visible.filter(_under(units)), year, as_of=today)
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
                            float(life[u.id].rate) if life[u.id].rate is not None else None,
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
                            tasks[u.id][key],
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
                for name, key, status in (
                    ("下达", "assigned", ""),
                    ("已完成", "done", TaskStatus.DONE),
                    ("逾期", "overdue", "overdue"),
                )
            ],
        },
    }
    charts |= _member_structure(today, visible)
    charts["chart-dues"] = _dues_by_month(today, visible, year)
    return charts


def _member_structure(today: date, orgs) -> dict:
    """Category, age band and education of the members on the rolls of the actor's orgs: the
    members facts summed over them (one aggregate); each slice links to the member list
    filtered to exactly those members."""
    counts = structure_totals(orgs, today)
    member_url = "members:list"
    pies = {
        "chart-members-category": (
            "党员类别",
            [
                _bar(c.label, counts[f"members.{c.value}"], _url(member_url, category=c.value))
                for c in Category
            ],
        ),
        "chart-members-age": (
            "党员年龄结构",
            [
                _bar(
                    label,
                    counts[f"members.age.{code}"],
                    _url(member_url, age_min=low, age_max=high),
                )
                for code, label, low, high in AGE_BANDS
            ],
        ),
        "chart-members-education": (
            "党员学历结构",
            [
                _bar(
                    e.label,
                    counts[f"members.education.{e.value}"],
                    _url(member_url, education=e.value),
                )
                for e in Education
                if counts[f"members.education.{e.value}"]
            ],
        ),
    }
    return {
        chart_id: {
            "kind": "bar" if chart_id != "chart-members-category" else "pie",
            "title": title,
            "unit": "人",
            "series": [{"name": title, "data": data}],
        }
        for chart_id, (title, data) in pies.items()
    }


def _dues_by_month(today: date, orgs, year: Span) -> dict:
    paid = dues_paid_by_month(orgs, year, as_of=today)
    data = [
        _bar(f"{month.month}月", float(amount), _url("members:dues_summary"))
        for month, amount in paid.items()
    ]
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
        todos = (
            _task_todos(actor, today)
            + _supervision_todos(actor, today)
            + _other_todos(actor, today)
            + _assessment_todos(actor, today)
        )
        # What waits comes first; the rest keep their order after it, greyed out.
        bench.todos = sorted(todos, key=lambda todo: todo.count == 0)
        bench.owed = _owed_lines(actor, today, units)
    return bench
