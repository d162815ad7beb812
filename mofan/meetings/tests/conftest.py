"""Meeting fixtures: a branch roll of full and probationary members, a committee, and uploads
kept in a temporary media folder. The tree and the users come from the root conftest.py."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.meetings.models import Attendance
from mofan.meetings.services import AttendanceRow
from mofan.members.models import Category
from mofan.members.tests.conftest import make_member  # noqa: F401
from mofan.orgs.models import CommitteePost
from mofan.orgs.services import committee_seat_add


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - timedelta(days=1)


@pytest.fixture
def roll(make_member):  # noqa: F811
    """roll(org, full, probationary=0) → the members it added, full members first."""

    def _roll(org, full, probationary=0):
        people = [make_member(org) for _ in range(full)]
        people += [
            make_member(
                org,
                category=Category.PROBATIONARY,
                joined_on=date(2025, 3, 1),
                full_member_on=None,
            )
            for _ in range(probationary)
        ]
        return people

    return _roll


@pytest.fixture
def seat():
    """seat(org, member_or_name, post='member') puts a person on the org's committee."""

    def _seat(org, who, post=CommitteePost.MEMBER):
        name = who if isinstance(who, str) else who.name
        return committee_seat_add(actor=SYSTEM, org=org, name=name, post=post)

    return _seat


def present(members, count=None) -> list[AttendanceRow]:
    """The first `count` members present (all when None), the rest on leave with a reason."""
    count = len(members) if count is None else count
    return [
        AttendanceRow(m.id, Attendance.Status.PRESENT)
        if i < count
        else AttendanceRow(m.id, Attendance.Status.LEAVE, "出差")
        for i, m in enumerate(members)
    ]
