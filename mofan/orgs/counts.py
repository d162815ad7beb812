"""Facts about orgs that other modules own (member counts), gathered without a query per org.

The members module registers a counter; until it exists every count is zero and the health
rules run on those zeros.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class MemberCount:
    members: int = 0
    full_members: int = 0
    probationary: int = 0

    def __add__(self, other: "MemberCount") -> "MemberCount":
        return MemberCount(
            self.members + other.members,
            self.full_members + other.full_members,
            self.probationary + other.probationary,
        )


MemberCounter = Callable[[Iterable[int]], dict[int, MemberCount]]
_member_counters: list[MemberCounter] = []


def register_member_counter(counter: MemberCounter) -> None:
    if counter not in _member_counters:
        _member_counters.append(counter)


def member_counts(org_ids: Iterable[int]) -> dict[int, MemberCount]:
    """Direct members per org id (not the sub-tree); orgs without members are absent.
    Pass a queryset of ids (`values_list("id", flat=True)`) to let the database select."""
    if not isinstance(org_ids, QuerySet):
        org_ids = list(org_ids)
    counts: dict[int, MemberCount] = {}
    for counter in _member_counters:
        for org_id, count in counter(org_ids).items():
            counts[org_id] = counts.get(org_id, MemberCount()) + count
    return counts
