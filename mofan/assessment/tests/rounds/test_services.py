"""A round from draft to final: participants and their categories, self-assessment, review,
findings, adjustments, ranking within categories, vetoes, and results frozen at final."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from mofan.assessment import compute, rounds, services
from mofan.assessment.models import Entry, FrozenValue, RoundStatus
from mofan.core.errors import ApplicationError
from mofan.notifications.models import Notification


def item(scheme, name):
    return scheme.indicators.get(name=name)


def by_org(table):
    return {r.org_name: r for r in table}


def test_only_a_published_scheme_is_run_and_only_by_its_admins(users, tree, scheme, round_):
    draft = services.scheme_create(
        actor=users.committee_admin, org=tree.committee, name="草稿", year=2026
    )
    with pytest.raises(ApplicationError, match="已发布的考核方案"):
        rounds.round_create(
            actor=users.committee_admin,
            scheme=draft,
            name="x",
            kind="annual",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
    for actor in (users.unit_admin, users.leader):
        with pytest.raises(PermissionDenied):
            rounds.round_open(actor=actor, round_=round_)


def test_opening_fixes_the_units_and_tells_each_of_them(users, tree, round_):
    services.units_place(
        actor=users.committee_admin,
        category=services.category_create(
            actor=users.committee_admin, org=tree.committee, name="综合管理类"
        ),
        units=[tree.unit],
    )
    assert rounds.round_open(actor=users.committee_admin, round_=round_) == 2
    participants = {
        p.org.name: p.category for p in round_.participants.select_related("org", "category")
    }
    assert set(participants) == {"市发改委机关党委", "市民政局机关党总支"}
    assert str(participants["市发改委机关党委"]) == "综合管理类"
    told = Notification.objects.filter(user=users.unit_admin).get()
    assert "请于 2026-12-20 前完成自评" in told.title and told.link.endswith(f"?org={tree.unit.pk}")
    with pytest.raises(ApplicationError, match="此操作须在“草稿”阶段进行"):
        rounds.round_open(actor=users.committee_admin, round_=round_)


def test_points_come_from_the_records_the_reviewers_and_the_cap(
    users, tree, scheme, round_, values
):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("90"), tree.far_unit.pk: None}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    rounds.self_assess(
        actor=users.unit_admin,
        round_=round_,
        org=tree.unit,
        indicator=item(scheme, "服务群众"),
        points="7",
        note="开展志愿服务 12 次",
    )
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    rounds.review_score(
        actor=users.committee_admin,
        round_=round_,
        org=tree.unit,
        indicator=item(scheme, "服务群众"),
        points="6.5",
        reason="材料较完整",
    )
    rounds.review_score(
        actor=users.committee_admin,
        round_=round_,
        org=tree.unit,
        indicator=item(scheme, "创新加分"),
        points="3",
    )
    unit = by_org(compute.results(round_))["市发改委机关党委"]
    assert unit.items[item(scheme, "组织生活").pk].points == Decimal("9.00")  # 90% × 10
    assert unit.items[item(scheme, "组织生活").pk].source == "meetings.compliance"
    assert unit.items[item(scheme, "创新加分").pk].points == Decimal("3.00")
    assert unit.bonus == Decimal("2.00")  # the scheme's cap
    assert unit.total == Decimal("17.50") and unit.grade == "好"
    far = by_org(compute.results(round_))["市民政局机关党总支"]
    assert far.items[item(scheme, "组织生活").pk].points == 0  # nothing to divide
    assert far.items[item(scheme, "服务群众").pk].pending


def test_a_veto_sets_the_lowest_grade_and_ranks_last(users, tree, scheme, round_, values):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("100"), tree.far_unit.pk: Decimal("50")}
    values["plans.supervision.unanswered"] = {tree.unit.pk: 1, tree.far_unit.pk: 0}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    table = by_org(compute.results(round_))
    assert table["市发改委机关党委"].vetoed and table["市发改委机关党委"].grade == "差"
    assert table["市发改委机关党委"].rank == 2 and table["市民政局机关党总支"].rank == 1


def test_a_recorded_finding_deducts_once_each(users, tree, scheme, values):
    admin = users.committee_admin
    copy = services.scheme_new_version(actor=admin, scheme=scheme)
    area = copy.indicators.get(name="基层组织")
    rule = copy.indicators.get(name="组织生活")
    services.indicator_update(
        actor=admin,
        indicator=rule,
        name="组织生活",
        max_points=6,
        rule="ratio",
        fact_code="meetings.compliance",
    )
    penalty = services.indicator_add(
        actor=admin,
        scheme=copy,
        parent=area,
        name="台账不全",
        rule="deduction",
        max_points=4,
        params={"each": "1.5"},
    )
    services.scheme_publish(actor=admin, scheme=copy)
    run = rounds.round_create(
        actor=admin,
        scheme=copy,
        name="第四季度日常监督",
        kind="quarterly",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
    )
    rounds.round_open(actor=admin, round_=run)
    for text in ("缺 10 月支委会记录", "缺 11 月党员大会记录", "发展党员档案不全"):
        rounds.finding_record(
            actor=admin,
            round_=run,
            org=tree.unit,
            indicator=penalty,
            description=text,
            source="督查记录 2026-12-01",
        )
    unit = by_org(compute.results(run))["市发改委机关党委"]
    assert unit.items[penalty.pk].points == 0  # 4 − 3 × 1.5, not below 0
    with pytest.raises(ApplicationError, match="只有扣分或一票否决指标"):
        rounds.finding_record(
            actor=admin,
            round_=run,
            org=tree.unit,
            indicator=copy.indicators.get(name="服务群众"),
            description="x",
        )


def test_a_record_based_score_is_adjusted_only_with_a_reason(users, tree, scheme, round_, values):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("40")}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    life = item(scheme, "组织生活")
    with pytest.raises(ApplicationError, match="须填写理由"):
        rounds.score_adjust(
            actor=users.committee_admin,
            round_=round_,
            org=tree.unit,
            indicator=life,
            points="8",
            reason=" ",
        )
    rounds.score_adjust(
        actor=users.committee_admin,
        round_=round_,
        org=tree.unit,
        indicator=life,
        points="8",
        reason="系统上线前的会议已补录纸质记录",
    )
    score = by_org(compute.results(round_))["市发改委机关党委"].items[life.pk]
    assert (score.points, score.computed, score.adjusted) == (
        Decimal("8.00"),
        Decimal("4.00"),
        True,
    )


def test_self_assessment_is_the_units_own_and_in_its_step(users, tree, scheme, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    serve = item(scheme, "服务群众")
    with pytest.raises(PermissionDenied):
        rounds.self_assess(
            actor=users.outsider, round_=round_, org=tree.unit, indicator=serve, points="5"
        )
    with pytest.raises(ApplicationError, match="0 到 8 分"):
        rounds.self_assess(
            actor=users.unit_admin, round_=round_, org=tree.unit, indicator=serve, points="9"
        )
    with pytest.raises(ApplicationError, match="只需填写说明"):
        rounds.self_assess(
            actor=users.unit_admin,
            round_=round_,
            org=tree.unit,
            indicator=item(scheme, "组织生活"),
            points="9",
        )
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    with pytest.raises(ApplicationError, match="“单位自评”阶段"):
        rounds.self_assess(
            actor=users.unit_admin, round_=round_, org=tree.unit, indicator=serve, points="5"
        )


def test_a_final_round_keeps_its_values_when_records_change(users, tree, scheme, round_, values):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("80")}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    for _ in range(3):
        rounds.round_advance(actor=users.committee_admin, round_=round_)
    with time_machine.travel(date(2027, 1, 10)):
        round_.refresh_from_db()
    assert round_.status == RoundStatus.FINAL
    life = item(scheme, "组织生活")
    frozen = FrozenValue.objects.get(round=round_, org=tree.unit, indicator=life)
    assert (frozen.value, frozen.points) == (Decimal("80.00"), Decimal("8.00"))
    values["meetings.compliance"][tree.unit.pk] = Decimal("100")  # a correction after the close
    assert by_org(compute.results(round_))["市发改委机关党委"].items[life.pk].points == Decimal(
        "8.00"
    )
    assert by_org(compute.results(round_, recompute=True))["市发改委机关党委"].items[
        life.pk
    ].points == Decimal("10.00")
    with pytest.raises(ApplicationError, match="已定档"):
        rounds.round_advance(actor=users.committee_admin, round_=round_)


def test_ranks_are_within_each_category_and_ties_share_a_rank(users, tree, scheme, round_, values):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("50"), tree.far_unit.pk: Decimal("50")}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    assert [r.rank for r in compute.results(round_)] == [1, 1]


def test_the_results_cost_the_same_queries_for_few_or_many_units(
    users, tree, scheme, round_, values, django_assert_max_num_queries
):
    from mofan.orgs.models import OrgType
    from mofan.site.tests.factories import make_org

    rounds.round_open(actor=users.committee_admin, round_=round_)
    with django_assert_max_num_queries(12) as few:
        compute.results(round_)
    extra = [make_org(tree.committee, OrgType.ORGAN_COMMITTEE, f"单位{n}") for n in range(15)]
    round_.participants.bulk_create(
        round_.participants.model(round=round_, org=org) for org in extra
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(compute.results(round_)) == 17


def test_a_column_of_reviews_is_saved_all_or_nothing(users, tree, scheme, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    serve = item(scheme, "服务群众")
    with pytest.raises(ApplicationError, match="0 到 8 分"):
        rounds.review_scores(
            actor=users.committee_admin,
            round_=round_,
            indicator=serve,
            scores={tree.unit.pk: ("6", ""), tree.far_unit.pk: ("12", "")},
        )
    assert not Entry.objects.filter(round=round_).exists()
    with pytest.raises(ApplicationError, match="不都是本次考核的参评单位"):
        rounds.review_scores(
            actor=users.committee_admin,
            round_=round_,
            indicator=serve,
            scores={tree.branch.pk: ("6", "")},
        )
    rounds.review_score(
        actor=users.committee_admin, round_=round_, org=tree.unit, indicator=serve, points="3"
    )
    assert (
        rounds.review_scores(
            actor=users.committee_admin,
            round_=round_,
            indicator=serve,
            scores={tree.unit.pk: ("6", "好"), tree.far_unit.pk: ("7.5", "")},
        )
        == 2
    )
    table = by_org(compute.results(round_))
    assert table["市发改委机关党委"].items[serve.pk].points == Decimal("6.00")
    assert table["市民政局机关党总支"].items[serve.pk].points == Decimal("7.50")
    with pytest.raises(PermissionDenied):
        rounds.review_scores(actor=users.unit_admin, round_=round_, indicator=serve, scores={})


def test_record_based_points_are_set_in_bulk_only_with_a_reason(
    users, tree, scheme, round_, values
):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("20"), tree.far_unit.pk: Decimal("30")}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    life = item(scheme, "组织生活")
    with pytest.raises(ApplicationError, match="须填写理由"):
        rounds.adjust_scores(
            actor=users.committee_admin,
            round_=round_,
            indicator=life,
            scores={tree.unit.pk: "9"},
            reason="",
        )
    with pytest.raises(ApplicationError, match="只有按记录计分的指标"):
        rounds.adjust_scores(
            actor=users.committee_admin,
            round_=round_,
            indicator=item(scheme, "服务群众"),
            scores={tree.unit.pk: "9"},
            reason="纸质台账",
        )
    rounds.adjust_scores(
        actor=users.committee_admin,
        round_=round_,
        indicator=life,
        scores={tree.unit.pk: "9", tree.far_unit.pk: "8.5"},
        reason="按纸质台账核定",
    )
    table = by_org(compute.results(round_))
    assert [table[n].items[life.pk].points for n in ("市发改委机关党委", "市民政局机关党总支")] == [
        Decimal("9.00"),
        Decimal("8.50"),
    ]
    assert table["市发改委机关党委"].items[life.pk].computed == Decimal("2.00")
