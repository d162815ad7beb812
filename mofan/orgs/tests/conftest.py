"""Fixtures for the org tree tests (the tree and the users come from the root conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.members.tests.conftest import make_member  # noqa: F401 (seat holders by record)
from mofan.orgs import counts
from mofan.orgs.counts import MemberCount
from mofan.orgs.models import CommitteePost, OrgType
from mofan.orgs.services import committee_seat_add
from mofan.site.tests.factories import make_org


@pytest.fixture
def members():
    """members(org, total, full=None) sets an org's direct member count while the test runs.

    Stands in for the members module: a counter registered with mofan.orgs.counts, taken away
    again after the test.
    """
    by_org: dict[int, MemberCount] = {}

    def counter(org_ids):
        wanted = set(org_ids)
        return {org_id: count for org_id, count in by_org.items() if org_id in wanted}

    def set_members(org, total, full=None):
        full = total if full is None else full
        by_org[org.id] = MemberCount(total, full, total - full)

    counts.register_member_counter(counter)
    yield set_members
    counts._member_counters.remove(counter)


@pytest.fixture
def grow(tree, members):
    """grow(n) adds n branches under tree.unit, each with a party group, a term ending soon, a
    committee secretary and members, so that every page has counts and findings to show."""

    def _grow(n):
        today = timezone.localdate()
        for _ in range(n):
            branch = make_org(
                tree.unit,
                OrgType.BRANCH,
                term_start=today - timedelta(days=1000),
                term_end=today + timedelta(days=30),
            )
            group = make_org(branch, OrgType.PARTY_GROUP)
            committee_seat_add(actor=SYSTEM, org=branch, name="张三", post=CommitteePost.SECRETARY)
            members(branch, 8, full=7)
            members(group, 2)

    return _grow
