"""Party dues (党费, 2008 规定): the monthly standard, approvals, the collection ledger.

The rate applies to the whole base (5400 → 1.5% → 81.00), never in slices. Money is Decimal,
rounded half-up to the fen.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Sum

from mofan.core.audit import audit
from mofan.core.dates import add_months
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.core.periods import Span
from mofan.members.models import (
    CURRENT_STATUSES,
    DuesApproval,
    DuesCategory,
    DuesPayment,
    Member,
    PaymentMethod,
)
from mofan.members.services import require_member_writer
from mofan.orgs.models import Org

FEN = Decimal("0.01")
MAX_BASE = Decimal("99999999.99")  # the largest Member.dues_base can hold
# (upper bound of the base inclusive, rate); None = no upper bound.
EMPLOYED_RATES = [
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
]
RETIRED_RATES = [(Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01"))]
FIXED_AMOUNT = {
    DuesCategory.STUDENT: Decimal("0.20"),
    DuesCategory.UNEMPLOYED: Decimal("0.20"),
    DuesCategory.SUBSISTENCE: Decimal("0.20"),
}
FARMER_RANGE = (Decimal("0.20"), Decimal("1.00"))
ARREARS_WARNING = 3
ARREARS_CONSTITUTION = 6  # 党章: six months without paying dues, without good reason


@dataclass(frozen=True)
class Standard:
    amount: Decimal
    rate: Decimal | None


def _rate(table, base: Decimal) -> Decimal:
    for upper, rate in table:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("rate table must end without an upper bound")


def dues_standard(category: str, base: Decimal) -> Standard:
    """The monthly standard by the rate table (before any approved reduction)."""
    base = Decimal(base)
    if not base.is_finite() or base < 0 or base > MAX_BASE:
        raise ApplicationError(f"计算基数须在 0 到 {MAX_BASE} 元之间", field="base")
    if category in FIXED_AMOUNT:
        return Standard(FIXED_AMOUNT[category], None)
    if category == DuesCategory.FARMER:
        low, high = FARMER_RANGE
        amount = min(max(base, low), high).quantize(FEN, ROUND_HALF_UP)
        return Standard(amount, None)
    table = RETIRED_RATES if category == DuesCategory.RETIRED else EMPLOYED_RATES
    rate = _rate(table, base)
    return Standard((base * rate).quantize(FEN, ROUND_HALF_UP), rate)


def category_from_label(text: str) -> str:
    for value, label in DuesCategory.choices:
        if text in (value, label):
            return value
    raise ApplicationError(
        f"党费类别“{text}”不正确（{'、'.join(DuesCategory.labels)}）", field="category"
    )


def month_start(day: date) -> date:
    """The first day of the day's month: how dues months are stored and asked for."""
    return Span.month_of(day).start


def _approvals_until(members: list[Member], month: date) -> dict[int, list[DuesApproval]]:
    """Per member, the approvals valid from `month` or earlier, oldest first (one query)."""
    approvals: dict[int, list[DuesApproval]] = {}
    for approval in DuesApproval.objects.filter(member__in=members, valid_from__lte=month).order_by(
        "valid_from", "id"
    ):
        approvals.setdefault(approval.member_id, []).append(approval)
    return approvals


def _standard_in(member: Member, month: date, approvals: dict[int, list[DuesApproval]]) -> Decimal:
    in_force = [a for a in approvals.get(member.id, ()) if a.valid_from <= month]
    if in_force:
        return in_force[-1].amount
    return dues_standard(member.dues_category, member.dues_base).amount


def standards_for(members: list[Member], month: date) -> dict[int, Decimal]:
    """Each member's standard for `month`: an approval in force, else the rate table (one query)."""
    approvals = _approvals_until(members, month)
    return {m.id: _standard_in(m, month, approvals) for m in members}


@transaction.atomic
def dues_approve(
    *,
    actor,
    member: Member,
    amount: Decimal,
    valid_from: date,
    reason: str,
    approved_by: str,
    approved_on: date,
) -> DuesApproval:
    require_member_writer(actor, member.org)
    if amount < 0:
        raise ApplicationError("核定标准不能为负数", field="amount")
    if not reason.strip() or not approved_by.strip():
        raise ApplicationError("减免须填写原因和批准组织", field="reason")
    approval = DuesApproval.objects.create(
        member=member,
        amount=Decimal(amount).quantize(FEN),
        valid_from=month_start(valid_from),
        reason=reason.strip(),
        approved_by=approved_by.strip(),
        approved_on=approved_on,
    )
    audit(
        actor=actor,
        action="dues.approve",
        target=member,
        detail=f"自 {approval.valid_from:%Y-%m} 起按 {approval.amount} 元/月：{approval.reason}",
    )
    return approval


@transaction.atomic
def dues_record_payment(
    *, actor, member: Member, month: date, paid: Decimal, paid_on: date, method: str
) -> DuesPayment:
    require_member_writer(actor, member.org)
    month = month_start(month)
    if method not in PaymentMethod.values:
        raise ApplicationError("缴纳方式不正确", field="method")
    if paid <= 0:
        raise ApplicationError("实缴金额须大于 0", field="paid")
    if month < month_start(member.joined_on):
        raise ApplicationError(
            f"{member.name} 于 {member.joined_on:%Y-%m-%d} 入党，不需缴纳此前月份的党费",
            field="month",
        )
    locked(member)  # two clerks paying the same month at once: the second sees the first
    if DuesPayment.objects.filter(member=member, month=month).exists():
        raise ApplicationError(f"{member.name} {month:%Y年%m月}的党费已登记", field="month")
    due = standards_for([member], month)[member.id]
    payment = DuesPayment.objects.create(
        member=member,
        org_id=member.org_id,
        month=month,
        due=due,
        paid=Decimal(paid).quantize(FEN),
        paid_on=paid_on,
        method=method,
    )
    audit(
        actor=actor,
        action="dues.pay",
        target=member,
        detail=f"{month:%Y-%m} 应缴 {due} 实缴 {payment.paid}（{payment.get_method_display()}）",
    )
    return payment


@transaction.atomic
def dues_record_all_at_standard(
    *, actor, members: list[Member], month: date, paid_on: date, method: str
) -> int:
    """Record every listed member who owes `month` and has not paid it as paid at the standard."""
    month = month_start(month)
    if method not in PaymentMethod.values:
        raise ApplicationError("缴纳方式不正确", field="method")
    for org in Org.objects.filter(
        pk__in={m.org_id for m in members}
    ):  # one query, not one per member
        require_member_writer(actor, org)
    # Lock the members (in id order, so two batches cannot deadlock) before reading who paid.
    list(
        Member.objects.select_for_update()
        .filter(pk__in=[m.pk for m in members])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    already = set(
        DuesPayment.objects.filter(member__in=members, month=month).values_list(
            "member_id", flat=True
        )
    )
    owing = [m for m in members if m.id not in already and month >= month_start(m.joined_on)]
    standards = standards_for(owing, month)
    payments = [
        DuesPayment(
            member=m,
            org_id=m.org_id,
            month=month,
            due=standards[m.id],
            paid=standards[m.id],
            paid_on=paid_on,
            method=method,
        )
        for m in owing
        if standards[m.id] > 0
    ]
    DuesPayment.objects.bulk_create(payments)
    if payments:
        names = "、".join(p.member.name for p in payments[:10]) + (
            "等" if len(payments) > 10 else ""
        )
        audit(
            actor=actor,
            action="dues.pay_all",
            detail=f"{month:%Y-%m} 按标准登记 {len(payments)} 人：{names}",
        )
    return len(payments)


@dataclass
class LedgerRow:
    member: Member
    due: Decimal
    payment: DuesPayment | None
    arrears_months: int

    @property
    def warning(self) -> bool:
        return self.arrears_months >= ARREARS_WARNING

    @property
    def constitution_case(self) -> bool:
        return self.arrears_months >= ARREARS_CONSTITUTION


def dues_ledger(members: list[Member], month: date, today: date) -> list[LedgerRow]:
    """One row per member for `month`, with the consecutive unpaid months up to it (a month
    still running is not yet in arrears); a fixed number of queries."""
    month = month_start(month)
    members = [m for m in members if month_start(m.joined_on) <= month]  # not yet members then
    counted_to = min(month, add_months(month_start(today), -1))
    window_start = add_months(month, -11)
    payments = DuesPayment.objects.filter(
        member__in=members, month__gte=window_start, month__lte=month
    )
    paid_months: dict[int, dict[date, DuesPayment]] = {}
    for payment in payments:
        paid_months.setdefault(payment.member_id, {})[payment.month] = payment
    started = _collection_start(members)
    approvals = _approvals_until(members, month)
    rows = []
    for member in members:
        mine = paid_months.get(member.id, {})
        payment = mine.get(month)
        rows.append(
            LedgerRow(
                member,
                payment.due if payment else _standard_in(member, month, approvals),
                payment,
                _arrears(mine, counted_to, member, started, approvals),
            )
        )
    return rows


def _collection_start(members: list[Member]) -> date | None:
    """The first month dues were recorded for these members: arrears count from there."""
    return (
        DuesPayment.objects.filter(member__in=members)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )


def _arrears(
    paid: dict[date, DuesPayment],
    month: date,
    member: Member,
    started: date | None,
    approvals: dict[int, list[DuesApproval]],
) -> int:
    """Consecutive unpaid months up to `month`; a month with nothing due (waived) is settled."""
    if started is None:
        return 0
    earliest = max(
        started,
        month_start(member.joined_on),
        month_start(member.entered_on),
        add_months(month, -11),
    )
    count = 0
    current = month
    while (
        current >= earliest and current not in paid and _standard_in(member, current, approvals) > 0
    ):
        count += 1
        current = add_months(current, -1)
    return count


@dataclass
class YearSummaryRow:
    org_id: int
    org_name: str
    members: int
    payments: int
    due: Decimal
    paid: Decimal


def dues_year_summary(member_queryset, year: int) -> list[YearSummaryRow]:
    """Per branch: paying members, payments and amounts for `year` (one aggregate query)."""
    rows = (
        DuesPayment.objects.filter(member__in=member_queryset, month__year=year)
        .values("org_id", "org__name")
        .annotate(
            members=Count("member", distinct=True),
            payments=Count("id"),
            due=Sum("due"),
            paid=Sum("paid"),
        )
        .order_by("org__path")
    )
    return [
        YearSummaryRow(
            r["org_id"],
            r["org__name"],
            r["members"],
            r["payments"],
            (r["due"] or Decimal(0)).quantize(FEN),  # SQLite sums lose the scale
            (r["paid"] or Decimal(0)).quantize(FEN),
        )
        for r in rows
    ]


def current_members_of(org) -> list[Member]:
    return list(Member.objects.filter(org=org, status__in=CURRENT_STATUSES).order_by("name", "id"))
