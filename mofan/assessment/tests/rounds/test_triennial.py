"""三年一总评: the three annual results and the quarterly daily supervision of its years,
weighted as the round says, ranked within categories, vetoed when any of them was; and the
模范机关 named from it."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from mofan.assessment import compute, naming, rounds
from mofan.assessment.models import HonourKind
from mofan.assessment.selectors import open_steps_for
from mofan.assessment.tests.rounds.test_services import by_org, item
from mofan.core.errors import ApplicationError
from mofan.notifications.models import Notification
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

QUERIES = 32  # 3 annual and 1 quarterly round combined: their frozen results, a few queries each
FULL, HALF = Decimal(100), Decimal(10)  # compliance: 10 + 8 of 18 points, or 1 + 8 (50 %)


def closed(users, scheme, values, kind, starts_on, ends_on, compliance, veto=None):
    """A final round of `kind` with the given compliance per org, the reviewed item 8."""
    admin = users.committee_admin
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name=f"{starts_on} {kind}",
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    rounds.round_open(actor=admin, round_=round_)
    if veto is not None:
        rounds.finding_record(
            actor=admin,
            round_=round_,
            org=veto,
            indicator=item(scheme, "督办未反馈"),
            description="发生严重违纪案件",
        )
    rounds.round_advance(actor=admin, round_=round_)
    org_ids = list(round_.participants.values_list("org_id", flat=True))
    rounds.review_scores(
        actor=admin,
        round_=round_,
        indicator=item(scheme, "服务群众"),
        scores={o: ("8", "") for o in org_ids},
    )
    values["meetings.compliance"] = compliance
    rounds.round_advance(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    return round_


def triennial(users, scheme, annual=60, supervision=40):
    round_ = rounds.round_create(
        actor=users.committee_admin,
        scheme=scheme,
        name="2023—2025 年三年一总评",
        kind="triennial",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
        annual_weight=Decimal(annual),
        supervision_weight=Decimal(supervision),
    )
    rounds.round_open(actor=users.committee_admin, round_=round_)
    return round_


def years(users, tree, scheme, values, which=(2023, 2024, 2025)):
    for year in which:
        closed(
            users,
            scheme,
            values,
            "annual",
            date(year, 1, 1),
            date(year, 12, 31),
            {tree.unit.pk: FULL, tree.far_unit.pk: HALF},
        )


def test_the_weights_must_add_up_to_100_over_three_years(users, total_scheme):
    with pytest.raises(ApplicationError, match="权重合计应为 100%，现为 90%"):
        triennial(users, total_scheme, annual=60, supervision=30)
    with pytest.raises(ApplicationError, match="跨三个年度"):
        rounds.round_create(
            actor=users.committee_admin,
            scheme=total_scheme,
            name="两年",
            kind="triennial",
            starts_on=date(2024, 1, 1),
            ends_on=date(2025, 12, 31),
        )


def test_the_total_weighs_each_year_equally_and_the_quarters_mean(
    users, tree, scheme, total_scheme, values
):
    years(users, tree, scheme, values)
    for quarter_start, quarter_end, unit_compliance in (
        (date(2025, 1, 1), date(2025, 3, 31), FULL),
        (date(2025, 4, 1), date(2025, 6, 30), HALF),
    ):
        compliance = {tree.unit.pk: unit_compliance, tree.far_unit.pk: FULL}
        closed(users, scheme, values, "quarterly", quarter_start, quarter_end, compliance)
    table = by_org(compute.results(triennial(users, total_scheme)))
    unit, far = table["市发改委机关党委"], table["市民政局机关党总支"]
    assert unit.years == {2023: FULL, 2024: FULL, 2025: FULL}
    assert unit.supervision == Decimal(75) and unit.quarters == 2  # (100 + 50) / 2
    assert unit.total == Decimal(90)  # 60 % × 100 + 40 % × 75
    assert (unit.rank, unit.grade) == (1, "好")
    assert far.years[2024] == Decimal(50) and far.supervision == FULL
    assert far.total == Decimal(70) and (far.rank, far.grade) == (2, "差")


def test_a_year_without_a_final_result_counts_nothing(users, tree, scheme, total_scheme, values):
    years(users, tree, scheme, values, which=(2024, 2025))
    unit = by_org(compute.results(triennial(users, total_scheme)))["市发改委机关党委"]
    assert unit.years == {2023: None, 2024: FULL, 2025: FULL}
    assert unit.supervision is None and unit.total == Decimal(40)  # 20 + 20, no quarters


def test_a_veto_in_any_quarter_of_the_three_years_vetoes_the_total(
    users, tree, scheme, total_scheme, values
):
    years(users, tree, scheme, values)
    closed(
        users,
        scheme,
        values,
        "quarterly",
        date(2024, 7, 1),
        date(2024, 9, 30),
        {tree.unit.pk: FULL, tree.far_unit.pk: FULL},
        veto=tree.unit,
    )
    table = by_org(compute.results(triennial(users, total_scheme)))
    unit = table["市发改委机关党委"]
    assert unit.vetoed and unit.grade == "差" and unit.rank == 2
    assert table["市民政局机关党总支"].rank == 1


def test_model_organs_are_named_from_a_final_triennial_round_among_advanced_units(
    users, tree, scheme, total_scheme, values
):
    for year in (2023, 2024, 2025):
        annual = closed(
            users,
            scheme,
            values,
            "annual",
            date(year, 1, 1),
            date(year, 12, 31),
            {tree.unit.pk: FULL, tree.far_unit.pk: FULL},
        )
        advanced = [tree.unit.pk] if year == 2023 else [tree.unit.pk, tree.far_unit.pk]
        naming.advanced_name(
            actor=users.committee_admin,
            round_=annual,
            org_ids=advanced,
            decision=f"{year} 命名",
            share=100,
        )
    open_round = triennial(users, total_scheme, annual=100, supervision=0)
    assert naming.model_organ_candidates(open_round) == []
    with pytest.raises(ApplicationError, match="已定档的三年总评"):
        naming.model_organ_name(
            actor=users.committee_admin, round_=open_round, org_ids=[tree.unit.pk], decision="x"
        )
    for _ in range(3):
        rounds.round_advance(actor=users.committee_admin, round_=open_round)
    open_round.refresh_from_db()
    assert [r.org_name for r in naming.model_organ_candidates(open_round)] == ["市发改委机关党委"]
    with pytest.raises(ApplicationError, match="“市民政局机关党总支”不符合命名条件"):
        naming.model_organ_name(
            actor=users.committee_admin,
            round_=open_round,
            org_ids=[tree.far_unit.pk],
            decision="x",
        )
    [model] = naming.model_organ_name(
        actor=users.committee_admin,
        round_=open_round,
        org_ids=[tree.unit.pk],
        decision="工委〔2026〕3 号",
    )
    assert (model.kind, model.year, model.round_id) == (HonourKind.MODEL_ORGAN, 2025, open_round.pk)
    assert naming.model_organ_candidates(open_round) == []


def test_the_results_page_shows_each_component_and_the_honours_page_names_from_it(
    users, tree, scheme, total_scheme, values, login, api
):
    years(users, tree, scheme, values)
    for year in (2023, 2024, 2025):
        annual = scheme.rounds.get(starts_on=date(year, 1, 1))
        naming.advanced_name(
            actor=users.committee_admin,
            round_=annual,
            org_ids=[tree.unit.pk],
            decision=f"{year} 命名",
        )
    total = triennial(users, total_scheme, annual=80, supervision=20)
    told = Notification.objects.filter(user=users.unit_admin, link__contains=f"/{total.id}/")
    assert told.get().title == "考核已发布（按三年年度考评和日常监督结果计算，无需自评）"
    own = login(users.unit_admin).get(f"/assessment/rounds/{total.id}/?org={tree.unit.pk}")
    assert own.status_code == 200 and "2025 年度" in own.content.decode()
    assert open_steps_for(actor=users.unit_admin, today=date(2026, 1, 5)) == []
    for _ in range(3):
        rounds.round_advance(actor=users.committee_admin, round_=total)
    client = login(users.committee_admin)
    page = client.get(f"/assessment/rounds/{total.id}/").content.decode()
    assert "2023 年度" in page and "日常监督" in page and "加权总分" in page
    assert "三年年度考评合计 80%（每年平均），日常监督 20%" in page
    honours = client.get("/assessment/honours/").content.decode()
    assert f'name="round" value="{total.id}"' in honours and "市发改委机关党委" in honours
    for outsider in (users.unit_admin, users.outsider):
        refused = login(outsider).post(
            "/assessment/honours/model-organs/",
            {"round": total.id, "org": [tree.unit.pk], "decision": "x"},
        )
        assert refused.status_code == 403
    client = login(users.committee_admin)
    named = client.post(
        "/assessment/honours/model-organs/",
        {"round": total.id, "org": [tree.unit.pk], "decision": "工委〔2026〕3 号"},
    )
    assert named.status_code == 302
    assert total.honours.get().org_id == tree.unit.pk
    export = client.get(f"/assessment/rounds/{total.id}/export/")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "加权总分" in row)
    assert header[3:] == ["2023年度", "2024年度", "2025年度", "日常监督", "加权总分", "等次"]
    assert [1, "市发改委机关党委", None, 100, 100, 100, None, 80, "较好"] in rows
    results = api(users.committee_admin).get(f"/api/v1/assessment/rounds/{total.id}/results")
    unit = next(r for r in results.json() if r["org_id"] == tree.unit.pk)
    assert unit["years"]["2024"] == "100.00" and unit["supervision"] is None


@pytest.mark.parametrize("more_units", [0, 4])
def test_the_results_cost_the_same_queries_whatever_the_number_of_units(
    users, tree, scheme, total_scheme, values, more_units, django_assert_max_num_queries
):
    for _ in range(more_units):
        make_org(tree.committee, OrgType.ORGAN_COMMITTEE)
    years(users, tree, scheme, values)
    closed(users, scheme, values, "quarterly", date(2025, 1, 1), date(2025, 3, 31), {})
    round_ = triennial(users, total_scheme)
    with django_assert_max_num_queries(QUERIES):
        table = compute.results(round_)
    assert len(table) == 2 + more_units
