"""Reads of member records, limited to the acting user's sub-tree."""

from datetime import date

from django.db.models import Count, Q, QuerySet

from mofan.core.access import scope_of
from mofan.core.dates import add_years
from mofan.core.lookup import get_or_404
from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.counts import MemberCount

HISTORY = "history"  # filter value: everyone no longer on a branch's roll


def member_counts_by_org(org_ids) -> dict[int, MemberCount]:
    """Current members per org id by category, in one query (registered with orgs.counts).
    `org_ids` may be a queryset of ids, which becomes a subquery."""
    rows = (
        Member.objects.filter(org_id__in=org_ids, status__in=CURRENT_STATUSES)
        .values("org_id", "category")
        .annotate(n=Count("id"))
    )
    counts: dict[int, MemberCount] = {}
    for row in rows:
        full = row["n"] if row["category"] == Category.FULL else 0
        probationary = row["n"] if row["category"] == Category.PROBATIONARY else 0
        counts[row["org_id"]] = counts.get(row["org_id"], MemberCount()) + MemberCount(
            row["n"], full, probationary
        )
    return counts


def member_list(*, actor, include_history: bool = False) -> QuerySet[Member]:
    members = Member.objects.filter(scope_of(actor).visible_q("org__path")).select_related(
        "org", "party_group"
    )
    if not include_history:
        members = members.filter(status__in=CURRENT_STATUSES)
    return members


def member_get(*, actor, member_id) -> Member:
    return get_or_404(member_list(actor=actor, include_history=True), member_id, "未找到该党员")


def member_filter(
    members: QuerySet[Member],
    *,
    today: date,
    org=None,
    category: str = "",
    status: str = "",
    sex: str = "",
    education: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    joined_year: int | None = None,
    text: str = "",
) -> QuerySet[Member]:
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    if category:
        members = members.filter(category=category)
    if status == HISTORY:
        members = members.exclude(status__in=CURRENT_STATUSES)
    elif status:
        members = members.filter(status=status)
    if sex:
        members = members.filter(sex=sex)
    if education:
        members = members.filter(education=education)
    if age_min is not None:
        members = members.filter(birth_date__lte=add_years(today, -age_min))
    if age_max is not None:
        members = members.filter(birth_date__gt=add_years(today, -(age_max + 1)))
    if joined_year:
        members = members.filter(joined_on__year=joined_year)
    if text:
        text = text.strip()
        members = members.filter(Q(name__contains=text) | Q(phone__startswith=text))
    return members


def political_birthdays(*, actor, org=None, month: int) -> QuerySet[Member]:
    """Current members whose 入党纪念日 falls in `month`."""
    members = member_list(actor=actor).filter(joined_on__month=month)
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    return members.order_by("joined_on__day", "name")
