"""Member fixtures: `make_member(org, **fields)` builds a valid record through the service.

The record counts as entered on the member's joining day (as if kept since then), so that
arrears and inactivity are counted from joining; pass `entered_on` for a record entered later."""

import itertools
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.members import idcard
from mofan.members.models import Category, Member
from mofan.members.services import member_create

_sequence = itertools.count(1)


def new_id_number(born: date = date(1985, 6, 15), sex: str = "male") -> str:
    n = next(_sequence)
    region = ["110105", "320102", "440106", "510104"][n % 4]
    return idcard.make(region, born, n * 2 + (1 if sex == "male" else 0), sex)


def entered(member: Member, on: date) -> Member:
    """The record as if it had been entered on `on`."""
    member.created_at = timezone.make_aware(datetime.combine(on, time(9)))
    Member.objects.filter(pk=member.pk).update(created_at=member.created_at)
    return member


@pytest.fixture
def make_member():
    def _make(org, **fields):
        born = fields.pop("birth_date", date(1985, 6, 15))
        sex = fields.pop("sex", "male")
        data = {
            "name": f"党员{next(_sequence)}",
            "id_number": new_id_number(born, sex),
            "sex": sex,
            "birth_date": born,
            "category": Category.FULL,
            "org": org,
            "joined_on": date(2010, 7, 1),
            "full_member_on": date(2011, 7, 1),
        }
        data.update(fields)
        if data["category"] == Category.PROBATIONARY:
            data.setdefault("full_member_on", None)
            data["full_member_on"] = fields.get("full_member_on")
        entered_on = data.pop("entered_on", None)
        member = member_create(actor=SYSTEM, **data)
        return entered(member, entered_on or data["joined_on"])

    return _make


@pytest.fixture
def link():
    """link(member, user) → the member record linked to that login account."""
    from mofan.members.logins import member_user_link

    def _link(member, user):
        return member_user_link(actor=SYSTEM, member=member, user=user)

    return _link
