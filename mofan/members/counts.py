"""Member counts per org, kept in OrgMemberCount by the services that change who is on a roll.

Each service that creates a member, moves one (transfer, edit of the branch), changes the
category (转正) or takes one off the roll (leaving, transfer out of the system) calls
`members_recount` for the orgs it touched, in its own transaction. The recount reads those orgs'
members again instead of adding or subtracting, so a retried or concurrent write cannot leave
the counter off by one. `mofan recount_members` repairs every counter.
"""

from collections.abc import Iterable

from django.db.models import Count

from mofan.members.models import CURRENT_STATUSES, Category, Member, OrgMemberCount
from mofan.orgs.counts import MemberCount
from mofan.orgs.models import Org


def _tally(rows) -> dict[int, OrgMemberCount]:
    counts: dict[int, OrgMemberCount] = {}
    for org_id, category, n in rows:
        count = counts.setdefault(org_id, OrgMemberCount(org_id=org_id))
        count.members += n
        if category == Category.FULL:
            count.full_members += n
        elif category == Category.PROBATIONARY:
            count.probationary += n
    return counts


def _current_rows(members):
    return (
        members.filter(status__in=CURRENT_STATUSES)
        .order_by()
        .values_list("org_id", "category")
        .annotate(n=Count("id"))
    )


def members_recount(org_ids: Iterable[int | None]) -> None:
    """Count the current members of these orgs again and store the result (zero included)."""
    ids = sorted({i for i in org_ids if i is not None})
    if not ids:
        return
    _lock_orgs(ids)
    counts = _tally(_current_rows(Member.objects.filter(org_id__in=ids)))
    rows = [counts.get(i, OrgMemberCount(org_id=i)) for i in ids]
    OrgMemberCount.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["org"],
        update_fields=["members", "full_members", "probationary"],
    )


def _lock_orgs(ids: list[int]) -> None:
    """Two members entered in one branch at once: without the lock each recount misses the other's
    uncommitted member and the later write stores a count one short. The second recount waits
    here until the first commits, then counts both. In id order, so two recounts never wait on
    each other; NO KEY UPDATE, as the member rows just written hold KEY SHARE on their org."""
    list(Org.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values("pk"))


def members_recount_all() -> int:
    """Rebuild every counter from the member records; answers how many counters were wrong."""
    counts = _tally(_current_rows(Member.objects.all()))
    stored = {c.org_id: c for c in OrgMemberCount.objects.all()}
    wrong = [
        org_id
        for org_id in set(counts) | set(stored)
        if _as_tuple(counts.get(org_id)) != _as_tuple(stored.get(org_id))
    ]
    OrgMemberCount.objects.filter(org_id__in=[i for i in wrong if i not in counts]).delete()
    OrgMemberCount.objects.bulk_create(
        [counts[i] for i in wrong if i in counts],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["org"],
        update_fields=["members", "full_members", "probationary"],
    )
    return len(wrong)


def _as_tuple(count: OrgMemberCount | None) -> tuple[int, int, int]:
    if count is None or not count.members:
        return (0, 0, 0)
    return (count.members, count.full_members, count.probationary)


def counted_members_by_org(org_ids) -> dict[int, MemberCount]:
    """The stored counters (registered with orgs.counts); orgs without members are absent.
    `org_ids` may be a queryset of ids, which becomes a subquery."""
    rows = OrgMemberCount.objects.filter(org_id__in=org_ids, members__gt=0).values_list(
        "org_id", "members", "full_members", "probationary"
    )
    return {org_id: MemberCount(n, full, prob) for org_id, n, full, prob in rows}
