"""A draft scheme of the committee with two areas, and helpers. The tree and users come from
the root conftest.py (committee → unit → branch / other_branch; far_unit → far_branch)."""

from decimal import Decimal

import pytest

from mofan.assessment import services
from mofan.assessment.models import Target

GRADES = [("好", 90), ("较好", 80), ("一般", 60), ("差", 0)]


@pytest.fixture
def scheme(users, tree):
    scheme = services.scheme_create(
        actor=users.committee_admin,
        org=tree.committee,
        name="模范机关创建考核",
        year=2026,
        target=Target.UNITS,
        bonus_cap=Decimal(5),
    )
    return scheme


def add_area(scheme, actor, name="基层组织", max_points=0):
    return services.indicator_add(actor=actor, scheme=scheme, name=name, max_points=max_points)


def add_item(scheme, actor, area, name="组织生活按期完成", **rule):
    rule = rule or {"rule": "ratio", "fact_code": "meetings.compliance", "max_points": 10}
    return services.indicator_add(actor=actor, scheme=scheme, parent=area, name=name, **rule)


@pytest.fixture
def ready_scheme(scheme, users):
    """A scheme that can be published: one area of 10 points with one record-based item."""
    area = add_area(scheme, users.committee_admin, max_points=10)
    add_item(scheme, users.committee_admin, area)
    services.grades_set(actor=users.committee_admin, scheme=scheme, grades=GRADES)
    return scheme
