"""Daily reminders of organisational life: what a branch still owes in the current month and
quarter, and committee terms ending within 90 / 30 days or overdue."""

from datetime import date

from mofan.accounts.models import Grant
from mofan.accounts.roles import ADMIN_ROLES, Role
from mofan.meetings.compliance import DONE, compliance, span_of
from mofan.meetings.elections import REMIND_DAYS
from mofan.notifications.reminders import Reminder
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType

REMINDER_ROLES = ADMIN_ROLES | {Role.SECRETARY}


def _holders(orgs: list[Org]) -> dict[str, list[tuple[int, str]]]:
    """(user id, role) of grants on each org path or above it, by org path (one query)."""
    grants = list(
        Grant.objects.filter(role__in=REMINDER_ROLES, user__is_active=True).values_list(
            "user_id", "role", "org__path"
        )
    )
    holders: dict[str, list[tuple[int, str]]] = {}
    for org in orgs:
        holders[org.path] = [
            (user_id, role) for user_id, role, path in grants if org.path.startswith(path)
        ]
    return holders


def owed_meetings(today: date):
    """Reminders to a branch's own secretaries for kinds not yet held this month / quarter."""
    branches = list(
        Org.objects.filter(
            org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP], dissolved_on__isnull=True
        )
    )
    if not branches:
        return
    secretaries = {}
    for user_id, path in Grant.objects.filter(
        role=Role.SECRETARY, user__is_active=True, org__in=branches
    ).values_list("user_id", "org__path"):
        secretaries.setdefault(path, []).append(user_id)
    query = Org.objects.filter(pk__in=[b.pk for b in branches if b.path in secretaries])
    quarter = (today.month - 1) // 3 + 1
    lines = compliance(
        [b for b in branches if b.path in secretaries],
        query,
        span_of(today.year, quarter=quarter),
        today,
    )
    for branch in branches:
        owed = [
            line.kind_label
            for line in lines.get(branch.id, [])
            for period, _, _, status in line.periods
            if period.start <= today < period.end and status != DONE
        ]
        if not owed:
            continue
        for user_id in secretaries.get(branch.path, []):
            yield Reminder(
                user_id,
                f"owed-{branch.id}-{today:%Y-%m}-{'-'.join(sorted(set(owed)))}",
                f"{branch.name}本期尚未召开：{'、'.join(dict.fromkeys(owed))}",
                "请按时开展组织生活并在系统中记录。",
                f"/meetings/?org={branch.id}",
            )


def expiring_terms(today: date):
    orgs = [
        o
        for o in Org.objects.filter(dissolved_on__isnull=True, term_end__isnull=False)
        if (o.term_end - today).days <= max(REMIND_DAYS)
    ]
    holders = _holders(orgs)
    for org in orgs:
        days = (org.term_end - today).days
        if days < 0:
            key, title = (
                f"term-overdue-{org.id}-{org.term_end}",
                f"{org.name}任期已于 {org.term_end:%Y-%m-%d} 届满，请尽快换届",
            )
        else:
            window = min(d for d in REMIND_DAYS if days <= d)
            key, title = (
                f"term-{window}-{org.id}-{org.term_end}",
                f"{org.name}任期将于 {org.term_end:%Y-%m-%d} 届满（还有 {days} 天）",
            )
        for user_id, _ in holders.get(org.path, []):
            yield Reminder(
                user_id,
                key,
                title,
                "请按规定做好换届准备，换届选举结果须报上级党组织批复。",
                f"/orgs/{org.id}/",
            )
