"""Naming: the proposal per category within its quota, the committee's decision checked
against it, 模范机关 after three advanced years, and revoking after a later veto."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from mofan.assessment import naming, rounds, services
from mofan.assessment.models import Honour, HonourKind
from mofan.assessment.tests.rounds.test_services import item
from mofan.assessment.tests.rounds.test_triennial import triennial
from mofan.core.errors import ApplicationError


def final_round(users, scheme, year, values, scores):
    """An annual round of `year` closed with the given compliance per org (no reviewed
    points: the reviewed item is scored 8 for every unit)."""
    admin = users.committee_admin
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name=f"{year} 年度考评",
        kind="annual",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
    )
    rounds.round_open(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    org_ids = list(round_.participants.values_list("org_id", flat=True))
    rounds.review_scores(
        actor=admin,
        round_=round_,
        indicator=item(scheme, "服务群众"),
        scores={o: ("8", "") for o in org_ids},
    )
    values["meetings.compliance"] = scores
    rounds.round_advance(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    return round_


def test_the_proposal_takes_the_top_of_each_category_and_skips_the_lowest_grade(
    users, tree, scheme, values
):
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    proposal = naming.proposal(round_, share=20)
    assert [r.org_name for r in proposal[""]] == ["市民政局机关党总支"]  # 1 of 2 at 20%
    assert naming.quota(2, 20) == 1 and naming.quota(120, 20) == 24 and naming.quota(0, 20) == 0
    assert [r.org_name for r in naming.proposal(round_, share=100)[""]] == [
        "市民政局机关党总支",
        "市发改委机关党委",
    ]


def test_naming_is_checked_against_the_quota_and_recorded_once(users, tree, scheme, values):
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    with pytest.raises(ApplicationError, match="先进名额为 1 个，现选了 2 个"):
        naming.advanced_name(
            actor=users.committee_admin,
            round_=round_,
            org_ids=[tree.unit.pk, tree.far_unit.pk],
            decision="工委〔2026〕1 号",
        )
    with pytest.raises(PermissionDenied):
        naming.advanced_name(
            actor=users.unit_admin, round_=round_, org_ids=[tree.unit.pk], decision="x"
        )
    with pytest.raises(ApplicationError, match="请从本次考核的参评单位中选择"):
        naming.advanced_name(
            actor=users.committee_admin, round_=round_, org_ids=[tree.branch.pk], decision="x"
        )
    honours = naming.advanced_name(
        actor=users.committee_admin,
        round_=round_,
        org_ids=[tree.far_unit.pk],
        decision="工委〔2026〕1 号",
    )
    assert [(h.kind, h.year, h.org) for h in honours] == [
        (HonourKind.ADVANCED_UNIT, 2025, tree.far_unit)
    ]
    with pytest.raises(ApplicationError, match="已有2025年度的先进单位"):
        naming.advanced_name(
            actor=users.committee_admin, round_=round_, org_ids=[tree.far_unit.pk], decision="重复"
        )


def test_a_vetoed_unit_cannot_be_named(users, tree, scheme, values):
    values["plans.supervision.unanswered"] = {tree.far_unit.pk: 1}
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("60"), tree.far_unit.pk: Decimal("100")}
    )
    assert [r.org_name for r in naming.proposal(round_, share=100)[""]] == ["市发改委机关党委"]
    with pytest.raises(ApplicationError, match="被一票否决"):
        naming.advanced_name(
            actor=users.committee_admin,
            round_=round_,
            org_ids=[tree.far_unit.pk],
            decision="x",
            share=100,
        )


def test_a_veto_after_naming_a_model_organ_suggests_revoking(
    users, tree, scheme, total_scheme, values
):
    for year in (2023, 2024, 2025):
        round_ = final_round(
            users,
            scheme,
            year,
            values,
            {tree.unit.pk: Decimal("99"), tree.far_unit.pk: Decimal("50")},
        )
        naming.advanced_name(
            actor=users.committee_admin,
            round_=round_,
            org_ids=[tree.unit.pk],
            decision=f"{year} 命名",
        )
    total = triennial(users, total_scheme, annual=100, supervision=0)
    for _ in range(3):
        rounds.round_advance(actor=users.committee_admin, round_=total)
    total.refresh_from_db()
    [model] = naming.model_organ_name(
        actor=users.committee_admin,
        round_=total,
        org_ids=[tree.unit.pk],
        decision="工委〔2026〕3 号",
    )
    copy = services.scheme_new_version(actor=users.committee_admin, scheme=total_scheme)
    services.scheme_publish(actor=users.committee_admin, scheme=copy)
    later = rounds.round_create(
        actor=users.committee_admin,
        scheme=copy,
        name="2026 年第一季度日常监督",
        kind="quarterly",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
    )
    rounds.round_open(actor=users.committee_admin, round_=later)
    rounds.finding_record(
        actor=users.committee_admin,
        round_=later,
        org=tree.unit,
        indicator=copy.indicators.get(name="督办未反馈"),
        description="发生严重违纪案件",
    )
    suggested = naming.revoke_suggestions(Honour.objects.all())
    assert model.pk in suggested and suggested[model.pk][0].description == "发生严重违纪案件"
    with pytest.raises(PermissionDenied):
        naming.honour_revoke(actor=users.unit_admin, honour=model, reason="x")
    naming.honour_revoke(actor=users.committee_admin, honour=model, reason="发生严重违纪案件")
    assert not Honour.objects.get(pk=model.pk).is_active
    assert model.pk not in naming.revoke_suggestions(Honour.objects.all())


def test_the_naming_page_proposes_and_the_honours_page_lists(users, tree, scheme, values, login):
    round_ = final_round(
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    client = login(users.committee_admin)
    page = client.get(f"/assessment/rounds/{round_.id}/naming/").content.decode()
    assert (
        f'value="{tree.far_unit.pk}" checked' in page
        and f'value="{tree.unit.pk}" checked' not in page
    )
    response = client.post(
        f"/assessment/rounds/{round_.id}/naming/",
        {"org": [tree.far_unit.pk], "decision": "工委〔2026〕1 号", "share": "20"},
    )
    assert response.status_code == 302
    listing = client.get("/assessment/honours/?year=2025").content.decode()
    assert "市民政局机关党总支" in listing and "工委〔2026〕1 号" in listing
    refused = client.post(
        f"/assessment/rounds/{round_.id}/naming/",
        {"org": [tree.unit.pk, tree.far_unit.pk], "decision": "二次", "share": "20"},
    )
    assert "先进名额为 1 个" in refused.content.decode()
    assert login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/naming/").status_code == 403
    export = client.get("/assessment/honours/?export=1")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "市民政局机关党总支"
        not in login(users.outsider).get("/assessment/honours/").content.decode()
    )
