"""Facts of members, development and dues (registered in core.facts at start-up).

Members count for the branch they are in now. The roll is the members on it now (正常, 流动,
失联) who had joined by the reference day (the span's last day, or today while it runs); the
development pipeline is read from the steps dated by the reference day.

Dues: a member-month is owed for each month of the span that has begun by the reference day,
from the member's joining month, from the month the record was entered and from the first
month their branch recorded any payment (as the ledger counts arrears), when the standard is
above zero. A paid month counts for the
branch it was paid in, with the standard recorded then; an unpaid one for the member's branch
now. Arrears are unpaid months already over; 按时 = paid within its own month.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from mofan.core.dates import add_months, add_years
from mofan.core.facts import for_each, reference_day, register_fact, register_rate
from mofan.core.periods import Span
from mofan.members.development import LAST_STEP, STAGES
from mofan.members.dues import FEN, dues_standard, month_start
from mofan.members.models import (
    CURRENT_STATUSES,
    Candidate,
    Category,
    DevelopmentStep,
    DuesApproval,
    DuesPayment,
    Education,
    Member,
    Status,
)

ZERO = Decimal("0.00")


def _on_roll(org_ids, day: date):
    return Member.objects.filter(
        org_id__in=org_ids, status__in=CURRENT_STATUSES, joined_on__lte=day
    )


def _count_members(org_ids, members) -> dict[int, int]:
    rows = members.values("org_id").annotate(n=Count("id")).order_by()
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


@register_fact("members.total", "在册党员", "人")
def members_total(*, org_ids, span, as_of=None):
    return _count_members(org_ids, _on_roll(org_ids, reference_day(span, as_of)))


def _category_fact(category: Category):
    def compute(*, org_ids, span, as_of=None):
        members = _on_roll(org_ids, reference_day(span, as_of)).filter(category=category)
        return _count_members(org_ids, members)

    compute.__name__ = f"members_{category.value}"
    return compute


def _status_fact(status: Status):
    def compute(*, org_ids, span, as_of=None):
        members = _on_roll(org_ids, reference_day(span, as_of)).filter(status=status)
        return _count_members(org_ids, members)

    compute.__name__ = f"members_status_{status.value}"
    return compute


for _category in Category:
    register_fact(f"members.{_category.value}", _category.label, "人")(_category_fact(_category))

STATUS_LABELS = {
    Status.NORMAL: "党籍状态正常的党员",
    Status.MOBILE: "流动党员",
    Status.LOST: "失联党员",
}
for _status, _label in STATUS_LABELS.items():
    register_fact(f"members.status.{_status.value}", _label, "人")(_status_fact(_status))


# Age bands by birth date as of the reference day: (code, label, lowest age, highest age).
AGE_BANDS = [
    ("upto30", "30岁及以下", None, 30),
    ("31to40", "31至40岁", 31, 40),
    ("41to50", "41至50岁", 41, 50),
    ("51to60", "51至60岁", 51, 60),
    ("over60", "60岁以上", 61, None),
]


def age_band(low: int | None, high: int | None, day: date) -> Q:
    """Aged `low` to `high` (inclusive) on `day`, as the member list's 年龄从/到 filter."""
    condition = Q()
    if low is not None:
        condition &= Q(birth_date__lte=add_years(day, -low))
    if high is not None:
        condition &= Q(birth_date__gt=add_years(day, -(high + 1)))
    return condition


def _structure_fact(condition):
    def compute(*, org_ids, span, as_of=None):
        day = reference_day(span, as_of)
        return _count_members(org_ids, _on_roll(org_ids, day).filter(condition(day)))

    return compute


for _code, _label, _low, _high in AGE_BANDS:
    register_fact(f"members.age.{_code}", f"{_label}的党员", "人")(
        _structure_fact(lambda day, low=_low, high=_high: age_band(low, high, day))
    )
for _education in Education:
    register_fact(f"members.education.{_education.value}", f"学历为{_education.label}的党员", "人")(
        _structure_fact(lambda day, value=_education.value: Q(education=value))
    )


def structure_totals(orgs, day: date) -> dict[str, int]:
    """The members on the roll of `orgs` (a queryset of orgs, read as a subquery) by
    category, age band and education, in one aggregate: the sums of `members.<category>`,
    `members.age.<band>` and `members.education.<value>` over those orgs, by fact code."""
    counts = {f"members.{c.value}": Count("id", filter=Q(category=c)) for c in Category}
    counts |= {
        f"members.age.{code}": Count("id", filter=age_band(low, high, day))
        for code, _, low, high in AGE_BANDS
    }
    counts |= {
        f"members.education.{e.value}": Count("id", filter=Q(education=e)) for e in Education
    }
    keys = {code: f"n{i}" for i, code in enumerate(counts)}  # aliases without dots
    found = _on_roll(orgs.values("id"), day).aggregate(
        **{keys[code]: count for code, count in counts.items()}
    )
    return {code: found[alias] for code, alias in keys.items()}


@register_fact("members.admitted", "新发展党员（入党日期在期内）", "人")
def members_admitted(*, org_ids, span, as_of=None):
    """Everyone whose 入党日期 falls in the span, whatever became of them since."""
    members = Member.objects.filter(
        org_id__in=org_ids, joined_on__gte=span.start, joined_on__lt=span.end
    )
    return _count_members(org_ids, members)


# (code, label) of each development stage, in the order of development.STAGES.
PIPELINE = [
    ("applicant", "入党申请人"),
    ("activist", "入党积极分子"),
    ("prospect", "发展对象"),
    ("admission", "接收预备党员程序中的人员"),
    ("probation", "预备党员教育考察中的人员"),
]


def _stage_counts(org_ids, day: date, steps: range) -> dict[int, int]:
    """Candidates still in development on `day` whose furthest step by then is in `steps`."""
    reached = (
        DevelopmentStep.objects.filter(candidate=OuterRef("pk"), on__lte=day)
        .order_by("-number")
        .values("number")[:1]
    )
    candidates = (
        Candidate.objects.filter(org_id__in=org_ids)
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gt=day))
        .annotate(reached=Subquery(reached, output_field=IntegerField()))
    )
    in_stage = Q(reached__gte=steps.start, reached__lt=min(steps.stop, LAST_STEP))
    rows = candidates.values("org_id").annotate(n=Count("id", filter=in_stage)).order_by()
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


def _stage_fact(steps: range, code: str):
    def compute(*, org_ids, span, as_of=None):
        return _stage_counts(org_ids, reference_day(span, as_of), steps)

    compute.__name__ = f"pipeline_{code}"
    return compute


for (_code, _label), (_number, _, _steps) in zip(PIPELINE, STAGES, strict=True):
    _title = f"{_label}（发展党员第{_number}阶段）"
    register_fact(f"members.pipeline.{_code}", _title, "人")(_stage_fact(_steps, _code))


@dataclass
class Dues:
    """One branch's dues over a span."""

    due: Decimal = ZERO
    paid: Decimal = ZERO
    owed_months: int = 0  # member-months owed, paid or not
    paid_on_time: int = 0
    arrears: Decimal = ZERO
    members_in_arrears: set = field(default_factory=set)


def dues_by_org(org_ids, span: Span, as_of=None) -> dict[int, Dues]:
    """Dues per branch over the span, in five queries whatever the number of members."""
    day = reference_day(span, as_of)
    months = [m for m in span.month_starts if m <= day]
    found: dict[int, Dues] = defaultdict(Dues)
    if not months:
        return {org_id: Dues() for org_id in org_ids}
    _add_payments(found, org_ids, months)
    _add_unpaid(found, org_ids, months, day)
    return {org_id: found.get(org_id, Dues()) for org_id in org_ids}


def _on_time(months: list[date]) -> Q:
    condition = Q(pk__in=[])
    for month in months:
        condition |= Q(month=month, paid_on__lt=add_months(month, 1))
    return condition


def _add_payments(found, org_ids, months) -> None:
    rows = (
        DuesPayment.objects.filter(org_id__in=org_ids, month__in=months)
        .values("org_id")
        .annotate(
            due=Sum("due"),
            paid=Sum("paid"),
            payments=Count("id"),
            on_time=Count("id", filter=_on_time(months)),
        )
        .order_by()
    )
    for row in rows:
        dues = found[row["org_id"]]
        dues.due += _money(row["due"])
        dues.paid += _money(row["paid"])
        dues.owed_months += row["payments"]
        dues.paid_on_time += row["on_time"]


def _money(value) -> Decimal:
    # SQLite sums decimals as floats.
    return Decimal(str(value or 0)).quantize(FEN)


def _add_unpaid(found, org_ids, months, day: date) -> None:
    running_month = month_start(day)
    started = dict(
        DuesPayment.objects.filter(org_id__in=org_ids)
        .values("org_id")
        .annotate(first=Min("month"))
        .values_list("org_id", "first")
    )
    if not started:
        return  # no branch has begun recording dues
    # Only the branches that have begun recording dues owe any.
    recording = DuesPayment.objects.filter(org_id__in=org_ids).values("org_id")
    members = list(
        _on_roll(org_ids, day)
        .filter(org_id__in=recording)
        .values_list("id", "org_id", "joined_on", "created_at", "dues_category", "dues_base")
    )
    paid = _paid_months(org_ids, months)
    approvals = _approvals(org_ids, months[-1])
    for member_id, org_id, joined_on, created_at, category, base in members:
        if org_id not in started:
            continue  # the branch has not begun recording dues
        # As the ledger counts arrears: from joining and from the record's entry, whichever
        # is later (a member entered today owes nothing for the months before).
        entered_on = timezone.localtime(created_at).date()
        first = max(started[org_id], month_start(joined_on), month_start(entered_on))
        standard = dues_standard(category, base).amount
        for month in months:
            if month < first or (member_id, month) in paid:
                continue
            amount = _standard_in(month, standard, approvals.get(member_id, ()))
            if amount <= 0:
                continue  # waived: nothing owed
            dues = found[org_id]
            dues.due += amount
            dues.owed_months += 1
            if month < running_month:
                dues.arrears += amount
                dues.members_in_arrears.add(member_id)


def _paid_months(org_ids, months) -> set[tuple[int, date]]:
    """(member id, month) paid by the members on the roll, wherever they paid: one row per
    member with a count per month, not one row per payment."""
    keys = {f"m{i}": month for i, month in enumerate(months)}
    rows = (
        DuesPayment.objects.filter(
            member__org_id__in=org_ids, member__status__in=CURRENT_STATUSES, month__in=months
        )
        .values_list("member_id")
        .annotate(**{key: Count("id", filter=Q(month=month)) for key, month in keys.items()})
        .order_by()
    )
    return {
        (member_id, month)
        for member_id, *counts in rows
        for month, n in zip(keys.values(), counts, strict=True)
        if n
    }


def _approvals(org_ids, last_month: date) -> dict[int, list[tuple[date, Decimal]]]:
    approvals: dict[int, list[tuple[date, Decimal]]] = {}
    rows = (
        DuesApproval.objects.filter(
            member__org_id__in=org_ids,
            member__status__in=CURRENT_STATUSES,
            valid_from__lte=last_month,
        )
        .order_by("valid_from", "id")
        .values_list("member_id", "valid_from", "amount")
    )
    for member_id, valid_from, amount in rows:
        approvals.setdefault(member_id, []).append((valid_from, amount))
    return approvals


def _standard_in(month: date, standard: Decimal, approvals) -> Decimal:
    """The approval in force in `month` (the latest from before it), else the rate table's."""
    in_force = [amount for valid_from, amount in approvals if valid_from <= month]
    return in_force[-1] if in_force else standard


def _dues_fact(pick):
    def compute(*, org_ids, span, as_of=None):
        return {org_id: pick(d) for org_id, d in dues_by_org(org_ids, span, as_of).items()}

    return compute


DUES_FACTS = [
    ("members.dues.due", "应缴党费", "元", lambda d: d.due),
    ("members.dues.paid", "实缴党费", "元", lambda d: d.paid),
    ("members.dues.arrears", "欠缴党费（已过月份未缴）", "元", lambda d: d.arrears),
    ("members.dues.owed_months", "应缴党费人次（人·月）", "次", lambda d: d.owed_months),
    ("members.dues.paid_on_time", "当月按时缴纳党费的人次", "次", lambda d: d.paid_on_time),
    (
        "members.dues.members_in_arrears",
        "欠缴党费的党员",
        "人",
        lambda d: len(d.members_in_arrears),
    ),
]
for _code, _label, _unit, _pick in DUES_FACTS:
    register_fact(_code, _label, _unit)(_dues_fact(_pick))


@register_rate(
    "members.dues.on_time_rate",
    "党费按时缴纳率",
    numerator="当月按时缴纳的人次",
    denominator="应缴党费人次（人·月）",
)
def dues_on_time_rate(*, org_ids, span, as_of=None):
    return {
        org_id: (d.paid_on_time, d.owed_months)
        for org_id, d in dues_by_org(org_ids, span, as_of).items()
    }


def dues_paid_by_month(orgs, span: Span, as_of=None) -> dict[date, Decimal]:
    """`members.dues.paid` of each month of the span begun by the reference day, summed over
    `orgs` (a queryset of orgs, read as a subquery): one query grouped by month."""
    day = reference_day(span, as_of)
    months = [m for m in span.month_starts if m <= day]
    rows = (
        DuesPayment.objects.filter(org_id__in=orgs.values("id"), month__in=months)
        .values_list("month")
        .annotate(paid=Sum("paid"))
        .order_by()
    )
    found = {month: _money(paid) for month, paid in rows}
    return {month: found.get(month, ZERO) for month in months}


def members_in_arrears(orgs, span: Span, as_of=None) -> set[int]:
    """The members of `orgs` (a queryset of orgs, read as a subquery) counted by
    `members.dues.members_in_arrears` over the span: an unpaid month already over."""
    day = reference_day(span, as_of)
    months = [m for m in span.month_starts if m <= day]
    found: dict[int, Dues] = defaultdict(Dues)
    if months:
        _add_unpaid(found, orgs.values("id"), months, day)
    return set().union(*(dues.members_in_arrears for dues in found.values()))
