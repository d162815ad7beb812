"""工作台 section: the home page of a committee admin, a 支部书记 and a leader over the bench
tree, after its members and tasks are built, with this year's meetings and some dues.

The floor of a home page is the SQL it sends, run again through a raw cursor into tuples (the
page needs several unrelated figures, so there is no single minimal query): the ratio says
what the composition, the facts' Python and the template add on top of the database."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.access import Role
from mofan.members.dues import dues_standard, month_start
from mofan.members.models import CURRENT_STATUSES, DuesPayment, Member, PaymentMethod
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.meetings import build_meetings
from mofan.site.bench.tree import BenchTree, bench_user

SKIPS_A_MONTH = 9  # one member in nine leaves one month unpaid: the arrears to-do has work


@dataclass
class Workbench:
    tree: BenchTree
    secretary: User
    leader: User
    meetings: int
    payments: int


@transaction.atomic
def build_dues(tree: BenchTree, today: date) -> int:
    """Dues for the members of the first unit's branches, each month of this year that is over
    (the branches that record dues in the system; the others have not begun), saved with
    bulk_create."""
    members = Member.objects.filter(
        org__path__startswith=tree.unit.path, status__in=CURRENT_STATUSES
    ).values_list("id", "org_id", "dues_category", "dues_base")
    months = [m for m in (date(today.year, n, 1) for n in range(1, 13)) if m < month_start(today)]
    payments = []
    for member_id, org_id, category, base in members:
        amount = dues_standard(category, base).amount
        for index, month in enumerate(months):
            if amount <= 0 or (member_id % SKIPS_A_MONTH == 0 and index == member_id % len(months)):
                continue
            payments.append(
                DuesPayment(
                    member_id=member_id,
                    org_id=org_id,
                    month=month,
                    due=amount,
                    paid=amount,
                    paid_on=month + timedelta(days=member_id % 40),
                    method=PaymentMethod.values[0],
                )
            )
    DuesPayment.objects.bulk_create(payments, batch_size=2000)
    return len(payments)


def build_workbench(tree: BenchTree) -> Workbench:
    """This year's meetings of every branch and unit, the dues, a 支部书记 of the first branch
    of the first unit and a leader on the whole tree."""
    today = timezone.localdate()
    meetings, _ = build_meetings(tree, today.year)
    payments = build_dues(tree, today)
    branch = next(b for b in tree.branches() if b.path.startswith(tree.unit.path))
    secretary = bench_user(f"{tree.prefix.lower()}-wb-secretary", Role.SECRETARY, branch)
    leader = bench_user(f"{tree.prefix.lower()}-wb-leader", Role.LEADER, tree.root)
    return Workbench(tree, secretary, leader, meetings, payments)


def sql_floor(call):
    """The floor of `call`: the statements it sends, captured once, run through a raw cursor."""
    with CaptureQueriesContext(connection) as captured:
        call()
    statements = [q["sql"] for q in captured.captured_queries]

    def floor() -> list[tuple]:
        found = []
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                found.append(tuple(cursor.fetchall()))
        return found

    return floor


def operations(built: Workbench) -> list[Operation]:
    result = []
    for name, user in (
        ("工作台：工委管理员（全树）", built.tree.committee_admin),
        ("工作台：支部书记", built.secretary),
        ("工作台：领导（只读，全树）", built.leader),
    ):
        call = get(client_for(user), "/")
        result.append(Operation(f"{name} /", call, floor=_lazy_floor(call)))
    return result


def _lazy_floor(call):
    """Captured on the first floor run (after the warm-up of the operation itself)."""
    floor = None

    def run():
        nonlocal floor
        if floor is None:
            floor = sql_floor(call)
        return floor()

    return run


def describe(built: Workbench) -> str:
    return f"本年组织生活 {built.meetings} 次，党费缴纳记录 {built.payments} 条（第一个单位的支部）"
