"""日常监督: a unit submits its quarterly self-assessment explicitly; a unit that had not by the
deadline loses the points of a missing-report item, with that source. Evidence files on an
item: attached by the unit, downloaded by reviewers, removed after confirmation."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.assessment import compute, rounds, services, submissions
from mofan.assessment.models import Evidence
from mofan.assessment.tests.conftest import add_area, add_item
from mofan.assessment.tests.rounds.test_services import by_org, item
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.site.tests.factories import PDF

DEADLINE = date(2026, 3, 31)


def at(day: date, hour=10):
    return time_machine.travel(
        timezone.make_aware(datetime(day.year, day.month, day.day, hour)), tick=False
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def quarter(users, tree):
    """Q1 2026 daily supervision in self-assessment: 报送情况 (8, reviewed) and 按期报送
    (2 points, lost when the report was not submitted by 2026-03-31)."""
    admin = users.committee_admin
    scheme = services.scheme_create(actor=admin, org=tree.committee, name="日常监督", year=2026)
    area = add_area(scheme, admin, "日常监督", 10)
    add_item(scheme, admin, area, "报送情况", rule="reviewed", max_points=8)
    add_item(
        scheme,
        admin,
        area,
        "按期报送",
        rule="deduction",
        max_points=2,
        params={"each": "2", "missing_report": True},
    )
    services.grades_set(actor=admin, scheme=scheme, grades=[("好", 9), ("一般", 0)])
    services.scheme_publish(actor=admin, scheme=scheme)
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name="2026年第1季度日常监督",
        kind="quarterly",
        starts_on=date(2026, 1, 1),
        ends_on=DEADLINE,
        self_deadline=DEADLINE,
    )
    with at(date(2026, 1, 5)):
        rounds.round_open(actor=admin, round_=round_)
    return round_


def report_item(round_):
    return item(round_.scheme, "按期报送")


def on_time(round_, today):
    with at(today):
        table = by_org(compute.results(round_))
    return {name: r.items[report_item(round_).pk] for name, r in table.items()}


def test_a_missing_report_loses_its_points_once_the_deadline_is_over(users, tree, quarter):
    with at(date(2026, 3, 20)):
        submissions.self_submit(actor=users.unit_admin, round_=quarter, org=tree.unit)
    before = on_time(quarter, DEADLINE)
    assert {name: s.points for name, s in before.items()} == {
        "市发改委机关党委": Decimal(2),
        "市民政局机关党总支": Decimal(2),  # the deadline is not over yet
    }
    after = on_time(quarter, date(2026, 4, 1))
    assert after["市发改委机关党委"].points == 2 and after["市发改委机关党委"].source == "按期提交"
    missed = after["市民政局机关党总支"]
    assert missed.points == 0 and missed.source == "自评截止 2026-03-31 未提交"


def test_a_report_submitted_after_the_deadline_still_counts_as_missed(users, tree, quarter):
    with at(date(2026, 4, 2), hour=9):
        submissions.self_submit(actor=users.unit_admin, round_=quarter, org=tree.unit)
    late = on_time(quarter, date(2026, 4, 3))["市发改委机关党委"]
    assert late.points == 0
    assert late.source == "自评截止 2026-03-31 未提交（2026-04-02 09:00 逾期提交）"


def test_submitting_is_for_the_units_recorders_once_and_audited(users, tree, quarter):
    for stranger in (users.outsider, users.leader):
        with pytest.raises(PermissionDenied):
            submissions.self_submit(actor=stranger, round_=quarter, org=tree.far_unit)
    with at(date(2026, 3, 2)):
        done = submissions.self_submit(actor=users.unit_admin, round_=quarter, org=tree.unit)
    assert done.submitted_by == users.unit_admin
    with pytest.raises(ApplicationError, match="本单位已于 2026-03-02 10:00 提交自评"):
        submissions.self_submit(actor=users.unit_admin, round_=quarter, org=tree.unit)
    assert AuditLog.objects.filter(action="assessment.self_submit").count() == 1
    rounds.round_advance(actor=users.committee_admin, round_=quarter)
    with pytest.raises(ApplicationError, match="只能在单位自评阶段"):
        submissions.self_submit(actor=users.committee_admin, round_=quarter, org=tree.far_unit)


def test_a_missing_report_rule_is_only_a_deduction_without_a_fact(users, tree):
    scheme = services.scheme_create(
        actor=users.committee_admin, org=tree.committee, name="草稿", year=2026
    )
    area = add_area(scheme, users.committee_admin, "其他", 0)
    with pytest.raises(ApplicationError, match="只能用于不从统计指标取数的扣分指标"):
        add_item(
            scheme,
            users.committee_admin,
            area,
            "报送",
            rule="per_occurrence",
            max_points=2,
            fact_code="meetings.held",
            params={"each": "1", "missing_report": True},
        )


def pdf(name="党日活动记录.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_evidence_is_attached_by_the_unit_and_refused_to_others(users, tree, quarter):
    indicator = item(quarter.scheme, "报送情况")
    evidence = submissions.evidence_add(
        actor=users.unit_admin, round_=quarter, org=tree.unit, indicator=indicator, upload=pdf()
    )
    assert evidence.name == "党日活动记录.pdf" and evidence.file.read().startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        submissions.evidence_add(
            actor=users.unit_admin,
            round_=quarter,
            org=tree.far_unit,
            indicator=indicator,
            upload=pdf(),
        )
    with pytest.raises(ApplicationError, match="佐证材料只能是"):
        submissions.evidence_add(
            actor=users.unit_admin,
            round_=quarter,
            org=tree.unit,
            indicator=indicator,
            upload=SimpleUploadedFile("a.exe", b"MZ"),
        )
    with pytest.raises(PermissionDenied):
        submissions.evidence_remove(actor=users.outsider, evidence=evidence)
    submissions.evidence_remove(actor=users.unit_admin, evidence=evidence)
    assert not Evidence.objects.exists()


def test_the_sheet_submits_uploads_downloads_and_removes_with_confirmation(
    users, tree, quarter, login
):
    indicator = item(quarter.scheme, "报送情况")
    sheet = f"/assessment/rounds/{quarter.id}/?org={tree.unit.pk}"
    unit = login(users.unit_admin)
    page = unit.get(sheet).content.decode()
    assert "尚未提交自评" in page and "提交自评</button>" in page and 'type="file"' in page
    unit.post(
        f"/assessment/rounds/{quarter.id}/{indicator.pk}/evidence/",
        {"org": tree.unit.pk, "file": pdf()},
    )
    evidence = Evidence.objects.get()
    with at(date(2026, 3, 30)):
        unit.post(f"/assessment/rounds/{quarter.id}/submit/", {"org": tree.unit.pk})
    page = unit.get(sheet).content.decode()
    assert "已提交自评" in page and "2026-03-30" in page
    assert f'data-confirm="确定删除佐证材料“{evidence.name}”吗？"' in page
    reviewer = login(users.committee_admin)
    download = reviewer.get(f"/assessment/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    outsider = login(users.outsider)
    assert outsider.get(f"/assessment/evidence/{evidence.pk}/").status_code == 404
    assert outsider.post(f"/assessment/evidence/{evidence.pk}/delete/").status_code == 404
    refused = outsider.post(f"/assessment/rounds/{quarter.id}/submit/", {"org": tree.far_unit.pk})
    assert refused.status_code == 404
    unit = login(users.unit_admin)
    unit.post(f"/assessment/evidence/{evidence.pk}/delete/")
    assert not Evidence.objects.exists()


def test_the_api_submits_for_the_unit_and_refuses_others(users, tree, quarter, api):
    url = f"/api/v1/assessment/rounds/{quarter.id}/submit"
    with at(date(2026, 3, 30)):
        done = api(users.unit_admin).post(
            url, data={"org_id": tree.unit.pk}, content_type="application/json"
        )
    assert done.status_code == 200 and done.json()["submitted_at"].startswith("2026-03-30")
    again = api(users.unit_admin).post(
        url, data={"org_id": tree.unit.pk}, content_type="application/json"
    )
    assert again.status_code == 400 and "已于" in again.json()["detail"]
    outsider = api(users.outsider).post(
        url, data={"org_id": tree.far_unit.pk}, content_type="application/json"
    )
    assert outsider.status_code == 404
    leader = api(users.leader).post(
        url, data={"org_id": tree.far_unit.pk}, content_type="application/json"
    )
    assert leader.status_code == 403
