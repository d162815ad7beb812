"""Daily reminders of organisational life: what a branch or party group still owes in the
current month and quarter, and committee terms ending within 90 / 30 days or overdue.

Reminders go to the people who act on them: the grant holders on the org itself and on the
org directly above it (a party group's branch secretary; the upper org that approves an
election), not to every admin up to the committee.

The orgs are read as plain rows (`values_list`): the nightly scan looks at every branch and
party group of the system.
"""

from datetime import date, timedelta
from typing import NamedTuple

from mofan.accounts.models import Grant
from mofan.core.access import RECORDER_ROLES, Role
from mofan.core.periods import span_of
from mofan.meetings.compliance import DONE, compliance
from mofan.meetings.elections import REMIND_DAYS
from mofan.notifications.reminders import Reminder
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType


class _Org(NamedTuple):
    id: int
    name: str
    path: str
    org_type: str
    term_end: date | None


def _orgs(query) -> list[_Org]:
    return list(map(_Org._make, query.values_list(*_Org._fields)))


def _holders_near(orgs: list[_Org], roles) -> dict[str, set[int]]:
    """User ids holding `roles` on each org or its parent, by org path (one query)."""
    paths = {o.path for o in orgs} | {
        o.path[: -Org.steplen] for o in orgs if len(o.path) > Org.steplen
    }
    by_path: dict[str, set[int]] = {}
    grants = Grant.objects.filter(role__in=roles, user__is_active=True, org__path__in=paths)
    for user_id, path in grants.values_list("user_id", "org__path"):
        by_path.setdefault(path, set()).add(user_id)
    return {
        o.path: by_path.get(o.path, set()) | by_path.get(o.path[: -Org.steplen], set())
        for o in orgs
    }


def owed_meetings(today: date):
    """Once a month, to the secretaries of each branch or party group still owing meetings."""
    orgs = _orgs(
        Org.objects.filter(
            org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP], dissolved_on__isnull=True
        )
    )
    holders = _holders_near(orgs, {Role.SECRETARY})
    reminded = [o for o in orgs if holders[o.path]]
    if not reminded:
        return
    quarter = (today.month - 1) // 3 + 1
    query = Org.objects.filter(pk__in=[o.id for o in reminded])
    lines = compliance(reminded, query, span_of(today.year, quarter=quarter), today)
    for org in reminded:
        owed = [
            line.kind_label
            for line in lines.get(org.id, [])
            if any(p.start <= today < p.end and status != DONE for p, _, _, status in line.periods)
        ]
        if not owed:
            continue
        for user_id in holders[org.path]:
            yield Reminder(
                user_id,
                f"owed-{org.id}-{today:%Y-%m}",
                f"{org.name}本期尚未召开：{'、'.join(owed)}",
                "请按时开展组织生活并在系统中记录。",
                f"/meetings/?org={org.id}",
            )


def expiring_terms(today: date):
    horizon = today + timedelta(days=max(REMIND_DAYS))
    orgs = _orgs(
        Org.objects.filter(dissolved_on__isnull=True, term_end__isnull=False, term_end__lte=horizon)
    )
    holders = _holders_near(orgs, RECORDER_ROLES)
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
        for user_id in holders[org.path]:
            yield Reminder(
                user_id,
                key,
                title,
                "请按规定做好换届准备，换届选举结果须报上级党组织批复。",
                f"/orgs/{org.id}/",
            )
