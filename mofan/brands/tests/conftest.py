"""A 2026 四强 call of the committee, the records its prerequisites read (replaced by `records`)
and helpers. The tree and users come from the root conftest.py (committee → unit → branch /
other_branch; far_unit → far_branch; the secretary records for branch, the outsider for
other_branch)."""

from datetime import date

import pytest
import time_machine

from mofan.brands.models import CRITERIA
from mofan.brands.services import brands as brand_services
from mofan.brands.services import four_strong
from mofan.core import facts as core_facts
from mofan.core.facts import Fact, percent

YEAR = 2026
EVALUATION = {name: f"{name}：对照标准逐项落实" for name in CRITERIA}
NEGATIVE = "班子成员受到党纪处分\n发生重大安全责任事故"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(date(YEAR, 10, 15), tick=False):
        yield date(YEAR, 10, 15)


class Records:
    """What the facts say for each org: compliance as (held on time, due), veto events and the
    checklist result. `missing(code)` unregisters a fact, as before its module provides it."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.compliance: dict[int, tuple[int, int]] = {}
        self.vetoes: dict[int, int] = {}
        self.checklist: dict[int, int] = {}
        self._register("meetings.compliance", "组织生活按期完成率", self._compliance_parts)
        self._register("assessment.vetoes", "一票否决事项数", self._counts(self.vetoes))
        self._register(
            "assessment.checklist_passed", "标准化检查通过", self._counts(self.checklist)
        )

    def _register(self, code, label, compute):
        if code == "meetings.compliance":
            parts = compute

            def rate(*, org_ids, span, as_of=None):
                return {o: percent(*parts(org_ids=org_ids, span=span)[o]) for o in org_ids}

            fact = Fact(code, label, "%", "meetings", rate, parts=parts)
        else:
            fact = Fact(code, label, "项", "assessment", compute)
        self.monkeypatch.setitem(core_facts._registry, code, fact)

    def _compliance_parts(self, *, org_ids, span, as_of=None):
        return {o: self.compliance.get(o, (0, 0)) for o in org_ids}

    @staticmethod
    def _counts(values):
        def compute(*, org_ids, span, as_of=None):
            return {o: values.get(o, 0) for o in org_ids}

        return compute

    def missing(self, code: str) -> None:
        self.monkeypatch.delitem(core_facts._registry, code, raising=False)

    def good(self, *orgs) -> None:
        for org in orgs:
            self.compliance[org.pk] = (19, 20)
            self.checklist[org.pk] = 1


@pytest.fixture
def records(monkeypatch, tree):
    found = Records(monkeypatch)
    found.good(tree.branch, tree.other_branch, tree.far_branch)
    return found


@pytest.fixture
def call(users, tree, records):
    return four_strong.call_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=YEAR,
        criteria={name: f"{name}的标准" for name in CRITERIA},
        negative_list=NEGATIVE,
    )


def draft(call, user, org, **fields):
    fields = {"self_evaluation": EVALUATION, "negative_confirmed": True, **fields}
    return four_strong.application_create(actor=user, call=call, org=org, **fields)


@pytest.fixture
def submitted(call, users, tree):
    application = draft(call, users.secretary, tree.branch)
    return four_strong.application_submit(actor=users.secretary, application=application)


@pytest.fixture
def unit_passed(submitted, users):
    return four_strong.application_unit_pass(actor=users.unit_admin, application=submitted)


@pytest.fixture
def recognised(unit_passed, users):
    return four_strong.application_recognise(actor=users.committee_admin, application=unit_passed)


BRAND = {
    "name": "红色引擎",
    "slogan": "党建引领，服务发展",
    "description": "以党建引领业务发展",
    "measures": "三亮三比",
    "results": "群众满意度提升",
}


def brand_draft(user, org, **fields):
    return brand_services.brand_create(actor=user, org=org, **{**BRAND, **fields})


def brand_passed(users, org, submitter=None, **fields):
    brand = brand_draft(submitter or users.secretary, org, **fields)
    brand_services.brand_submit(actor=submitter or users.secretary, brand=brand)
    return brand_services.brand_unit_pass(actor=users.unit_admin, brand=brand)


def batch_of(users, tree, brands, *, actor=None, on=date(2026, 6, 1), note="8 号"):
    """The committee (or `actor`) recognises the brands as its next batch."""
    return brand_services.batch_create(
        actor=actor or users.committee_admin,
        org=tree.committee,
        brands=brands,
        decided_on=on,
        note=note,
    )
