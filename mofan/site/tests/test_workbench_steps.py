"""The workbench's to-dos of 考核评价, 述职评议 and 四强/党建品牌: what waits for the user, with
a link to the page where it is done."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.appraisal import services as appraisal
from mofan.appraisal.tests.conftest import seat
from mofan.assessment import rounds, services, submissions
from mofan.assessment.models import Target
from mofan.assessment.tests.conftest import GRADES, add_area, add_item
from mofan.brands.services import brands
from mofan.brands.tests.conftest import brand_draft
from mofan.site.tests.factories import PDF
from mofan.site.workbench import workbench_for

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def todo(user, label):
    return next(t for t in workbench_for(actor=user, today=TODAY).todos if t.label == label)


@pytest.fixture
def self_assessment(users, tree):
    """A unit round of the committee open for self-assessment (the unit and far_unit)."""
    admin = users.committee_admin
    scheme = services.scheme_create(
        actor=admin, org=tree.committee, name="年度考核", year=2026, target=Target.UNITS
    )
    area = add_area(scheme, admin, "作用发挥", 10)
    add_item(scheme, admin, area, "服务群众", rule="reviewed", max_points=10)
    services.grades_set(actor=admin, scheme=scheme, grades=GRADES)
    services.scheme_publish(actor=admin, scheme=scheme)
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name="2026 年度考评",
        kind="annual",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    rounds.round_open(actor=admin, round_=round_)
    return round_


def labels(user) -> set[str]:
    return {t.label for t in workbench_for(actor=user, today=TODAY).todos}


def test_a_unit_in_an_open_self_assessment_sees_it_until_it_submits(
    users, tree, self_assessment, login
):
    waiting = todo(users.unit_admin, "待提交的考核自评")
    assert waiting.count == 1
    assert waiting.url == f"/assessment/rounds/{self_assessment.id}/?org={tree.unit.id}"
    page = login(users.unit_admin).get(waiting.url).content.decode()
    assert self_assessment.name in page and tree.unit.name in page
    assert "待提交的考核自评" not in labels(users.secretary)  # the unit assesses, not a branch
    assert "待提交的考核自评" not in labels(users.committee_admin)  # it runs the round
    submissions.self_submit(actor=users.unit_admin, round_=self_assessment, org=tree.unit)
    assert "待提交的考核自评" not in labels(users.unit_admin)


def test_the_committee_sees_a_round_waiting_for_its_scores(users, self_assessment):
    assert "评审打分中的考核" not in labels(users.committee_admin)
    rounds.round_advance(actor=users.committee_admin, round_=self_assessment)
    waiting = todo(users.committee_admin, "评审打分中的考核")
    assert waiting.count == 1 and waiting.url == f"/assessment/rounds/{self_assessment.id}/"
    assert "评审打分中的考核" not in labels(users.unit_admin)


def test_a_secretary_asked_for_a_report_sees_it_until_it_is_uploaded(users, tree, login):
    seat(tree.branch, "张伟", users.secretary)
    round_ = appraisal.round_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=2026,
        title="2026 年度书记述职评议",
        meeting_on=date(2026, 12, 10),
    )
    appraisal.reporters_add(actor=users.committee_admin, round_=round_, orgs=[tree.branch])
    assert todo(users.secretary, "述职报告待提交").count == 0  # not asked yet
    appraisal.round_step(actor=users.committee_admin, round_=round_)
    waiting = todo(users.secretary, "述职报告待提交")
    assert waiting.count == 1
    assert round_.title in login(users.secretary).get(waiting.url).content.decode()
    assert todo(users.outsider, "述职报告待提交").count == 0
    mine = round_.reporters.get(user=users.secretary)
    report = SimpleUploadedFile("述职报告.pdf", PDF, content_type="application/pdf")
    appraisal.report_upload(actor=users.secretary, reporter=mine, upload=report)
    assert todo(users.secretary, "述职报告待提交").count == 0


def test_reviews_of_applications_wait_on_the_unit_then_on_the_committee(users):
    unit = todo(users.unit_admin, "四强党支部申报待审核")
    assert unit.url == "/brands/applications/?status=submitted"
    committee = todo(users.committee_admin, "党建品牌申报待认定")
    assert committee.url == "/brands/brands/?status=unit_passed"
    assert todo(users.secretary, "四强党支部申报待审核").count == 0  # a branch reviews nothing


def test_a_submitted_brand_waits_on_its_unit_then_on_the_committee(users, tree, login):
    brand = brand_draft(users.secretary, tree.branch)
    brands.brand_submit(actor=users.secretary, brand=brand)
    unit = todo(users.unit_admin, "党建品牌申报待审核")
    assert unit.count == 1 and todo(users.committee_admin, "党建品牌申报待认定").count == 0
    assert brand.name in login(users.unit_admin).get(unit.url).content.decode()
    brands.brand_unit_pass(actor=users.unit_admin, brand=brand, note="同意上报")
    assert todo(users.unit_admin, "党建品牌申报待审核").count == 0
    committee = todo(users.committee_admin, "党建品牌申报待认定")
    assert committee.count == 1
    assert brand.name in login(users.committee_admin).get(committee.url).content.decode()


def test_what_waits_comes_first_on_the_workbench(users, self_assessment):
    counts = [t.count for t in workbench_for(actor=users.unit_admin, today=TODAY).todos]
    waiting = [n for n in counts if n]
    assert waiting and counts[: len(waiting)] == waiting
    assert not any(counts[len(waiting) :])
