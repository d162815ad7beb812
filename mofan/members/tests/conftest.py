"""Member fixtures: `make_member(org, **fields)` builds a valid record through the service."""

import itertools
from datetime import date

import pytest

from mofan.core.access import SYSTEM
from mofan.members import idcard
from mofan.members.models import Category
from mofan.members.services import member_create

_sequence = itertools.count(1)


def new_id_number(born: date = date(1985, 6, 15), sex: str = "male") -> str:
    n = next(_sequence)
    region = ["110105", "320102", "440106", "510104"][n % 4]
    return idcard.make(region, born, n * 2 + (1 if sex == "male" else 0), sex)


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
        return member_create(actor=SYSTEM, **data)

    return _make


@pytest.fixture
def link():
    """link(member, user) → the member record linked to that login account."""
    from mofan.members.logins import member_user_link

    def _link(member, user):
        return member_user_link(actor=SYSTEM, member=member, user=user)

    return _link
