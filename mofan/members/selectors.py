"""Reads of member records, limited to the acting user's sub-tree."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from mofan.core.access import scope_of
from mofan.core.dates import add_months, add_years
from mofan.core.lookup import get_or_404
from mofan.core.periods import Span
from mofan.members.counts import counted_members_by_org
from mofan.members.dues import LedgerRow, dues_ledger, month_start
from mofan.members.facts import members_in_arrears
from mofan.members.models import (
    CURRENT_STATUSES,
    Candidate,
    Correction,
    DevelopmentRule,
    DuesPayment,
    LoginSheet,
    Member,
    Transfer,
)
from mofan.members.search import name_search_q
from mofan.orgs.counts import MemberCount
from mofan.orgs.models import Org
from mofan.orgs.seat_holders import SeatHolder

HISTORY = "history"  # filter value: everyone no longer on a branch's roll


def member_counts_by_org(org_ids) -> dict[int, MemberCount]:
    """Current members per org id by category (registered with orgs.counts): the counters the
    member services keep (mofan.members.counts), one query. `org_ids` may be a queryset of ids,
    which becomes a subquery."""
    return counted_members_by_org(org_ids)


def _readable_q(actor) -> Q:
    """Whole rosters where the actor holds a grant above a plain member; where a plain member
    only, their own record."""
    scope = scope_of(actor)
    readable = scope.paths_q(scope.roster_paths, "org__path")
    if scope.is_plain_member_somewhere and getattr(actor, "pk", None):
        readable |= Q(user_id=actor.pk)
    return readable


def seat_directory(org, member_ids=None, limit=None) -> list[SeatHolder]:
    """Current members under `org` who may hold its committee seats by record (registered with
    orgs.seat_holders; the caller has checked the actor may manage the org)."""
    members = Member.objects.filter(org__path__startswith=org.path, status__in=CURRENT_STATUSES)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    rows = members.order_by("org__path", "name", "id").values_list("id", "name", "org__name")
    return [SeatHolder(*row) for row in (rows[:limit] if limit is not None else rows)]


def member_list(*, actor, include_history: bool = False) -> QuerySet[Member]:
    members = Member.objects.filter(_readable_q(actor)).select_related("org", "party_group")
    if not include_history:
        members = members.filter(status__in=CURRENT_STATUSES)
    return members


def my_member(*, actor) -> Member | None:
    """The member record linked to the actor's account, if any."""
    if not getattr(actor, "pk", None):
        return None
    return Member.objects.select_related("org", "party_group").filter(user_id=actor.pk).first()


@dataclass(frozen=True)
class DuesOverview:
    """A member's dues at a glance: this month (standard, payment, months in arrears) and the
    payments of the last twelve months."""

    month: date
    this_month: LedgerRow | None
    payments: list[DuesPayment]


def member_dues_overview(member: Member, today: date) -> DuesOverview:
    """For a record the caller already holds through a scoped selector (e.g. my_member)."""
    month = month_start(today)
    rows = dues_ledger([member], month, today)
    payments = DuesPayment.objects.filter(member=member, month__gt=add_months(month, -12))
    return DuesOverview(month, rows[0] if rows else None, list(payments.order_by("-month")))


def pending_correction(member: Member) -> Correction | None:
    return member.corrections.filter(status=Correction.Status.PENDING).first()


def members_without_login(*, actor, org=None, member_ids=None) -> QuerySet[Member]:
    """Current members the actor records, of a branch or by id, for bulk account creation
    (those who already have an account are included, to be reported as skipped)."""
    scope = scope_of(actor)
    members = member_list(actor=actor).filter(scope.paths_q(scope.recorder_paths, "org__path"))
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    return members.order_by("org__path", "name", "id")


def login_sheet_list(*, actor) -> QuerySet[LoginSheet]:
    """The sheets of first passwords the actor made (nobody else's passwords, not even an admin's)."""
    if not getattr(actor, "pk", None):
        return LoginSheet.objects.none()
    return LoginSheet.objects.filter(created_by_id=actor.pk).select_related("org")


def login_sheet_get(*, actor, sheet_id) -> LoginSheet:
    return get_or_404(login_sheet_list(actor=actor), sheet_id, "未找到该账号清单")


def correction_list(*, actor) -> QuerySet[Correction]:
    """Corrections of the members the actor records, and the actor's own proposals."""
    scope = scope_of(actor)
    readable = scope.paths_q(scope.recorder_paths, "member__org__path")
    if getattr(actor, "pk", None):
        readable |= Q(proposed_by_id=actor.pk)
    return Correction.objects.filter(readable).select_related("member__org", "proposed_by")


def correction_get(*, actor, correction_id) -> Correction:
    return get_or_404(correction_list(actor=actor), correction_id, "未找到该更正申请")


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
    dues_arrears: bool = False,
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
    if dues_arrears:
        # As the 工作台 counts them: an unpaid month of this year already over.
        orgs = Org.objects.filter(pk__in=members.values("org_id"))
        owing = members_in_arrears(orgs, Span.year(today.year), as_of=today)
        members = members.filter(pk__in=owing)
    if text:
        members = members.filter(name_search_q(text))
    return members


def political_birthdays(*, actor, org=None, month: int) -> QuerySet[Member]:
    """Current members whose 入党纪念日 falls in `month`."""
    members = member_list(actor=actor).filter(joined_on__month=month)
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    return members.order_by("joined_on__day", "name")


def transfer_list(*, actor) -> QuerySet[Transfer]:
    """Transfers into or out of the actor's sub-tree."""
    scope = scope_of(actor)
    into, out_of = scope.visible_q("to_org__path"), scope.visible_q("from_org__path")
    return (
        Transfer.objects.filter(into | out_of)
        .select_related("member", "from_org", "to_org")
        .distinct()
    )


def transfer_get(*, actor, transfer_id) -> Transfer:
    return get_or_404(transfer_list(actor=actor), transfer_id, "未找到该转接")


def candidate_list(*, actor) -> QuerySet[Candidate]:
    return (
        Candidate.objects.filter(scope_of(actor).visible_q("org__path"))
        .select_related("org", "member")
        .prefetch_related("steps")
    )


def candidate_get(*, actor, candidate_id) -> Candidate:
    return get_or_404(candidate_list(actor=actor), candidate_id, "未找到该发展对象")


def development_rule_list() -> QuerySet[DevelopmentRule]:
    """The timing rules are the same for everyone; only a committee admin may change them."""
    return DevelopmentRule.objects.all()


def development_rule_get(*, rule_id) -> DevelopmentRule:
    return get_or_404(development_rule_list(), rule_id, "未找到该规则")
