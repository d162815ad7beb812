"""Plans section: 50,000 tasks over the 5,000-org tree (a 1+9 plan set of the 机关工委, a tenth
of the tasks assigned to the units, the rest split down to their branches), the people who
receive reminders; a unit's ledger page, the overdue scan, the reminders, the export."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mofan.accounts.models import Grant, User
from mofan.core.access import RECORDER_ROLES, Role
from mofan.members.demo import SURNAMES
from mofan.orgs.models import Org, OrgType
from mofan.plans.demo import ITEMS, SUB_PLANS
from mofan.plans.models import Plan, PlanItem, Task, TaskStatus
from mofan.plans.reminders import DUE_SOON_DAYS, due_tasks
from mofan.plans.selectors import overdue_task_rows, task_list
from mofan.site.bench.floor import context_rows, one, placeholders, prefix, rows, table, under
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.tree import BenchTree

SCAN_TARGET_MS = 1000
EXPORT_TARGET_MS = 20_000
SHARE_OF_TOP_TASKS = 10  # one task in ten is assigned by the 机关工委, the rest are split


def _plans(root: Org, year: int) -> list[PlanItem]:
    """The 机关工委's master plan and nine sub-plans, each with the demo's items."""
    master = Plan.objects.create(
        org=root, year=year, kind=Plan.Kind.MASTER, title=f"{year}年创建模范机关实施方案"
    )
    subs = Plan.objects.bulk_create(
        [
            Plan(org=root, year=year, kind=Plan.Kind.SUB, master=master, title=t, sort_order=n)
            for n, t in enumerate(SUB_PLANS, start=1)
        ]
    )
    items = [
        PlanItem(plan=plan, number=number, title=title, sort_order=n)
        for plan in [master, *subs]
        for n, (number, title, _) in enumerate(ITEMS)
    ]
    return PlanItem.objects.bulk_create(items)


def _state(n: int, deadline: date, today: date) -> dict:
    """Past the deadline most tasks are done, one in ten still open (逾期), one in ten
    cancelled; before it, a mix of not started, in progress, awaiting acceptance and done."""
    if deadline < today:
        kind = {0: "open", 1: "cancelled"}.get(n % 10, "done")
    else:
        kind = ["not_started", "open", "open", "submitted", "done"][n % 5]
    if kind == "done":
        return {"status": TaskStatus.DONE, "progress": 100, "finished_on": deadline}
    if kind == "submitted":
        return {"status": TaskStatus.SUBMITTED, "progress": 100}
    if kind == "cancelled":
        return {"status": TaskStatus.CANCELLED, "progress": 30}
    if kind == "not_started":
        return {"status": TaskStatus.NOT_STARTED, "progress": 0}
    return {"status": TaskStatus.IN_PROGRESS, "progress": 10 + n * 7 % 80}


def _task(
    n: int,
    *,
    item: PlanItem,
    assigner: Org,
    owner: Org,
    start: date,
    deadline: date,
    today: date,
    parent: Task | None = None,
) -> Task:
    return Task(
        plan_id=item.plan_id,
        item=item,
        parent=parent,
        assigner=assigner,
        owner_org=owner,
        title=f"{item.title}（第 {n + 1} 项）",
        target="按期完成并报送佐证材料",
        owner_people=f"{SURNAMES[n % len(SURNAMES)]}某",
        leader=f"{SURNAMES[(n // 7) % len(SURNAMES)]}某某",
        start_on=start,
        deadline=deadline,
        needs_evidence=n % 4 == 0,
        weight=Decimal(1 + n % 2),
        **_state(n, deadline, today),
    )


@transaction.atomic
def build_tasks(tree: BenchTree, count: int, *, today: date | None = None) -> int:
    """`count` tasks: a tenth from the 机关工委's plans to its units (deadlines from 300 days
    ago to 60 days ahead), the rest split by the units to their branches (deadlines no later
    than the parent's), saved with bulk_create. Also the reminders' recipients: a unit admin
    for every unit and a 支部书记 for every branch."""
    today = today or timezone.localdate()
    items = _plans(tree.root, today.year)
    units = list(tree.orgs().filter(depth=2).order_by("path"))
    branches: dict[str, list[Org]] = {}
    for branch in tree.branches():
        branches.setdefault(branch.path[: 2 * Org.steplen], []).append(branch)
    tops = []
    for n in range(max(len(units), count // SHARE_OF_TOP_TASKS)):
        deadline = today + timedelta(days=n * 37 % 360 - 300)
        tops.append(
            _task(
                n,
                item=items[n % len(items)],
                assigner=tree.root,
                owner=units[n % len(units)],
                start=deadline - timedelta(days=60 + n % 90),
                deadline=deadline,
                today=today,
            )
        )
    Task.objects.bulk_create(tops, batch_size=1000)
    subs = []
    for n in range(count - len(tops)):
        parent = tops[n % len(tops)]
        under = branches.get(parent.owner_org.path)
        if not under:
            continue
        deadline = parent.deadline - timedelta(days=n % 20)
        subs.append(
            _task(
                len(tops) + n,
                item=parent.item,
                assigner=parent.owner_org,
                owner=under[(n // len(tops)) % len(under)],
                start=min(parent.start_on, deadline),
                deadline=deadline,
                today=today,
                parent=parent,
            )
        )
    Task.objects.bulk_create(subs, batch_size=1000)
    build_recipients(tree)
    return len(tops) + len(subs)


def build_recipients(tree: BenchTree) -> int:
    """A unit admin on every unit and a 支部书记 on every branch (as a real deployment has):
    the reminders go to each of them."""
    orgs = list(tree.orgs().filter(depth__gte=2).exclude(org_type=OrgType.PARTY_GROUP))
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"{tree.prefix.lower()}-{o.code}", name=o.name, password=password)
            for o in orgs
        ]
    )
    grants = [
        Grant(user=user, org=org, role=Role.UNIT_ADMIN if org.depth == 2 else Role.SECRETARY)
        for user, org in zip(users, orgs, strict=True)
    ]
    Grant.objects.bulk_create(grants, batch_size=1000)
    return len(grants)


def overdue_scan(tree: BenchTree, today: date) -> list[dict]:
    return overdue_task_rows(task_list(actor=tree.committee_admin), today)


def operations(tree: BenchTree, tasks: int) -> list[Operation]:
    unit_admin = client_for(tree.unit_admin)
    admin = client_for(tree.committee_admin)
    today = timezone.localdate()
    on_page = context_rows("page")
    return [
        Operation(
            "单位任务台账 /plans/tasks/?owner=单位",
            get(unit_admin, f"/plans/tasks/?owner={tree.unit.id}"),
            floor=lambda: ledger_floor(tree.unit.path, owner_only=True),
            shown=on_page,
        ),
        Operation(
            "工委任务清单第 1 页 /plans/tasks/",
            get(admin, "/plans/tasks/"),
            floor=lambda: ledger_floor(tree.root.path),
            shown=on_page,
        ),
        Operation(
            "全树逾期扫描 overdue_tasks(task_list(工委))",
            lambda: overdue_scan(tree, today),
            target_ms=SCAN_TARGET_MS,
            runs=5,
            warmup=1,
            floor=lambda: overdue_floor(tree.root.path, today),
            shown=len,
        ),
        Operation(
            "到期提醒 reminders.due_tasks(今天)",
            lambda: list(due_tasks(today)),
            target_ms=SCAN_TARGET_MS,
            runs=5,
            warmup=1,
            floor=lambda: reminders_floor(today),
            shown=len,
        ),
        Operation(
            f"导出 {tasks} 项任务 /plans/tasks/?export=1",
            get(admin, "/plans/tasks/?export=1"),
            target_ms=EXPORT_TARGET_MS,
            runs=3,
            warmup=0,
        ),
    ]


# --- floors ---------------------------------------------------------------------------------

TASK, ORG, GRANT, USER = table(Task), table(Org), table(Grant), table(User)
OVERDUE = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]


def ledger_floor(path: str, *, owner_only: bool = False, size: int = 50) -> list[tuple]:
    """The ledger's first page in deadline order and its count: the tasks a unit owns
    (`owner_only`, the ?owner= filter, which implies the scope) or that the sub-tree owns or
    assigned (the whole list)."""
    subtree = f"SELECT id FROM {ORG} WHERE {under('path')}"
    where = f"t.owner_org_id IN ({subtree})"
    params = [prefix(path)]
    if not owner_only:
        where = f"({where} OR t.assigner_id IN ({subtree}))"
        params *= 2
    one(f"SELECT COUNT(*) FROM {TASK} t WHERE {where}", params)
    return rows(
        "SELECT t.id, t.deadline, t.title, o.name, t.owner_people, t.progress, t.status "
        f"FROM {TASK} t JOIN {ORG} o ON o.id = t.owner_org_id WHERE {where} "
        "ORDER BY t.deadline, t.id LIMIT %s",
        [*params, size],
    )


def overdue_floor(path: str, today: date) -> list[tuple]:
    """The overdue tasks of the sub-tree with their owner, assigner, plan and item names."""
    subtree = f"SELECT id FROM {ORG} WHERE {under('path')}"
    return rows(
        "SELECT t.id, t.title, t.deadline, t.status, t.progress, o.name, a.name, p.title, "
        f"i.title FROM {TASK} t JOIN {ORG} o ON o.id = t.owner_org_id "
        f"JOIN {ORG} a ON a.id = t.assigner_id JOIN {table(Plan)} p ON p.id = t.plan_id "
        f"JOIN {table(PlanItem)} i ON i.id = t.item_id "
        f"WHERE (t.owner_org_id IN ({subtree}) OR t.assigner_id IN ({subtree})) "
        f"AND t.status IN ({placeholders(OVERDUE)}) AND t.deadline < %s",
        [prefix(path), prefix(path), *OVERDUE, today],
    )


def reminders_floor(today: date) -> list[tuple]:
    """One row per reminder: each open task due within three days or overdue, to every active
    recorder whose grant covers its owner (the grants matched by the owner's ancestor paths)."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    tasks = rows(
        f"SELECT t.id, t.title, t.deadline, o.path, o.name FROM {TASK} t "
        f"JOIN {ORG} o ON o.id = t.owner_org_id "
        f"WHERE t.status IN ({placeholders(OVERDUE)}) AND t.deadline <= %s",
        [*OVERDUE, soon],
    )
    holders: dict[str, list[int]] = {}
    for user_id, path in rows(
        f"SELECT g.user_id, o.path FROM {GRANT} g JOIN {ORG} o ON o.id = g.org_id "
        f"JOIN {USER} u ON u.id = g.user_id "
        f"WHERE g.role IN ({placeholders(RECORDER_ROLES)}) AND u.is_active = %s",
        [*RECORDER_ROLES, True],
    ):
        holders.setdefault(path, []).append(user_id)
    found = []
    for task_id, title, deadline, path, name in tasks:
        users = {
            user_id
            for end in range(Org.steplen, len(path) + 1, Org.steplen)
            for user_id in holders.get(path[:end], ())
        }
        found += [(user_id, task_id, title, deadline, name) for user_id in users]
    return found
