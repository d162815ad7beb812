"""A published scheme for rounds (基层组织 from records, 作用发挥 reviewed, a bonus and a
veto), a draft annual round of it, and the facts of each unit replaced by `values`."""

from datetime import date
from decimal import Decimal

import pytest

from mofan.assessment import compute, rounds, services
from mofan.assessment.tests.conftest import add_area, add_item


@pytest.fixture
def values(monkeypatch):
    """The facts each unit's sub-tree has, as the records would give them: {code: {org: v}}."""
    facts: dict[str, dict[int, object]] = {}

    def rollup_under(code, *, root_ids, span, as_of=None, how=None):
        return {org_id: facts.get(code, {}).get(org_id) for org_id in root_ids}

    monkeypatch.setattr(compute, "rollup_under", rollup_under)
    return facts


@pytest.fixture
def scheme(scheme, users):
    """基层组织 (10, from records) + 作用发挥 (8, reviewed) + a bonus (each 1, at most 3)
    and a veto on unanswered supervision; bonus cap 2; grades 好/较好/一般/差."""
    admin = users.committee_admin
    base = add_area(scheme, admin, "基层组织", 10)
    add_item(
        scheme,
        admin,
        base,
        "组织生活",
        rule="ratio",
        fact_code="meetings.compliance",
        max_points=10,
    )
    role = add_area(scheme, admin, "作用发挥", 8)
    add_item(scheme, admin, role, "服务群众", rule="reviewed", max_points=8)
    add_item(scheme, admin, role, "创新加分", rule="bonus", max_points=3, params={"each": "1"})
    add_item(
        scheme,
        admin,
        role,
        "督办未反馈",
        rule="veto",
        max_points=0,
        fact_code="plans.supervision.unanswered",
        params={"above": "0"},
    )
    scheme.bonus_cap = Decimal(2)
    scheme.save()
    services.grades_set(
        actor=admin, scheme=scheme, grades=[("好", 15), ("较好", 10), ("一般", 6), ("差", 0)]
    )
    services.scheme_publish(actor=admin, scheme=scheme)
    return scheme


@pytest.fixture
def round_(scheme, users):
    return rounds.round_create(
        actor=users.committee_admin,
        scheme=scheme,
        name="2026 年度考评",
        kind="annual",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        self_deadline=date(2026, 12, 20),
    )


@pytest.fixture
def total_scheme(users, scheme):
    """The scheme of the 三年总评 itself: its grades on the 100-point scale."""
    copy = services.scheme_new_version(actor=users.committee_admin, scheme=scheme)
    services.grades_set(
        actor=users.committee_admin, scheme=copy, grades=[("好", 90), ("较好", 75), ("差", 0)]
    )
    return services.scheme_publish(actor=users.committee_admin, scheme=copy)
