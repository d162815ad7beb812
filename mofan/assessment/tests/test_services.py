"""Writing schemes: who may, which rules are accepted, publishing and versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from mofan.assessment import services
from mofan.assessment.models import Indicator, Scheme, SchemeStatus
from mofan.assessment.tests.conftest import GRADES, add_area, add_item
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog


def actions() -> list[str]:
    return list(
        AuditLog.objects.filter(action__startswith="assessment.").values_list("action", flat=True)
    )


def test_only_an_admin_over_the_org_writes_its_schemes(users, tree):
    for actor in (users.unit_admin, users.secretary, users.leader, users.member):
        with pytest.raises(PermissionDenied):
            services.scheme_create(actor=actor, org=tree.committee, name="方案", year=2026)


def test_a_unit_admin_writes_a_scheme_for_its_branches(users, tree):
    scheme = services.scheme_create(
        actor=users.unit_admin,
        org=tree.unit,
        name="党支部标准化规范化建设",
        year=2026,
        target="branches",
    )
    assert scheme.get_target_display() == "党支部"
    assert actions() == ["assessment.scheme_create"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"rule": "ratio", "fact_code": "", "max_points": 5}, "须选择数据来源"),
        ({"rule": "ratio", "fact_code": "plans.tasks.overdue", "max_points": 5}, "比率类指标"),
        ({"rule": "ratio", "fact_code": "no.such", "max_points": 5}, "没有编码为“no.such”"),
        (
            {
                "rule": "thresholds",
                "fact_code": "meetings.compliance",
                "max_points": 5,
                "params": {"bands": []},
            },
            "至少需要一个档次",
        ),
        ({"rule": "deduction", "max_points": 5, "params": {"each": "0"}}, "每次分值应大于 0"),
        ({"rule": "reviewed", "max_points": 0}, "分值应大于 0"),
        (
            {"rule": "reviewed", "fact_code": "meetings.compliance", "max_points": 5},
            "不从统计指标取数",
        ),
        ({"rule": "", "max_points": 5}, "请选择计分方式"),
    ],
)
def test_an_item_with_a_rule_that_cannot_be_computed_is_refused(scheme, users, rule, message):
    area = add_area(scheme, users.committee_admin)
    with pytest.raises(ApplicationError, match=message):
        add_item(scheme, users.committee_admin, area, **rule)
    assert not Indicator.objects.filter(parent=area).exists()


def test_an_area_takes_no_rule_and_an_item_goes_under_an_area(scheme, users):
    with pytest.raises(ApplicationError, match="一级指标（领域）不设计分方式"):
        services.indicator_add(
            actor=users.committee_admin,
            scheme=scheme,
            name="政治建设",
            max_points=20,
            rule="reviewed",
        )
    area = add_area(scheme, users.committee_admin)
    item = add_item(scheme, users.committee_admin, area)
    with pytest.raises(ApplicationError, match="一级指标（领域）之下"):
        add_item(scheme, users.committee_admin, item, name="三级指标")


def test_publishing_names_every_problem(scheme, users):
    area = add_area(scheme, users.committee_admin, name="基层组织", max_points=20)
    add_item(scheme, users.committee_admin, area)
    add_area(scheme, users.committee_admin, name="正风肃纪")
    with pytest.raises(ApplicationError) as refused:
        services.scheme_publish(actor=users.committee_admin, scheme=scheme)
    message = refused.value.message
    assert "“基层组织”分值 20.00 分，其下指标合计 10.00 分" in message
    assert "“正风肃纪”下还没有具体指标" in message
    assert "还没有设置考核等次" in message
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.DRAFT


def test_a_published_scheme_is_frozen(ready_scheme, users):
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    area = ready_scheme.indicators.get(parent__isnull=True)
    with pytest.raises(ApplicationError, match="方案已发布，不能修改"):
        add_item(ready_scheme, users.committee_admin, area, name="新增指标")
    with pytest.raises(ApplicationError, match="方案已发布"):
        services.grades_set(actor=users.committee_admin, scheme=ready_scheme, grades=GRADES)
    with pytest.raises(ApplicationError, match="方案已发布"):
        services.indicator_delete(actor=users.committee_admin, indicator=area)


def test_a_new_version_copies_the_scheme_and_replaces_it_when_published(ready_scheme, users):
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    copy = services.scheme_new_version(actor=users.committee_admin, scheme=ready_scheme)
    assert (copy.version, copy.status, copy.previous_id) == (2, SchemeStatus.DRAFT, ready_scheme.pk)
    assert [i.name for i in copy.indicators.order_by("id")] == ["基层组织", "组织生活按期完成"]
    assert list(copy.grades.values_list("label", flat=True)) == ["好", "较好", "一般", "差"]
    with pytest.raises(ApplicationError, match="已有新版本"):
        services.scheme_new_version(actor=users.committee_admin, scheme=ready_scheme)
    services.scheme_publish(actor=users.committee_admin, scheme=copy)
    assert Scheme.objects.get(pk=ready_scheme.pk).status == SchemeStatus.REPLACED
    assert "assessment.scheme_version" in actions()


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        ([("好", 90), ("好", 0)], "不能重复"),
        ([("好", 90), ("较好", 90), ("差", 0)], "不能相同"),
        ([("好", 90), ("差", 10)], "最低一档的最低分应为 0"),
        ([("", 0)], "请填写等次名称"),
    ],
)
def test_grades_that_leave_a_total_without_a_grade_are_refused(scheme, users, grades, message):
    with pytest.raises(ApplicationError, match=message):
        services.grades_set(actor=users.committee_admin, scheme=scheme, grades=grades)


def test_the_total_leaves_out_bonus_and_veto_items(scheme, users):
    area = add_area(scheme, users.committee_admin)
    add_item(scheme, users.committee_admin, area)
    add_item(
        scheme,
        users.committee_admin,
        area,
        name="创新加分",
        rule="bonus",
        max_points=3,
        params={"each": "1"},
    )
    add_item(
        scheme,
        users.committee_admin,
        area,
        name="严重违纪",
        rule="veto",
        max_points=0,
        fact_code="plans.tasks.overdue",
        params={"above": "0"},
    )
    assert services.scheme_total(scheme) == Decimal(10)


def test_units_are_placed_in_one_category_each(users, tree):
    first = services.category_create(
        actor=users.committee_admin, org=tree.committee, name="综合管理类"
    )
    second = services.category_create(
        actor=users.committee_admin, org=tree.committee, name="执法监管类"
    )
    services.units_place(
        actor=users.committee_admin, category=first, units=[tree.unit, tree.far_unit]
    )
    services.units_place(actor=users.committee_admin, category=second, units=[tree.far_unit])
    assert [p.unit for p in first.placements.all()] == [tree.unit]
    assert [p.unit for p in second.placements.all()] == [tree.far_unit]
    with pytest.raises(ApplicationError, match="已存在"):
        services.category_create(actor=users.committee_admin, org=tree.committee, name="综合管理类")
    unit_category = services.category_create(actor=users.unit_admin, org=tree.unit, name="业务类")
    with pytest.raises(ApplicationError, match="不在市发改委机关党委之下"):
        services.units_place(
            actor=users.unit_admin, category=unit_category, units=[tree.far_branch]
        )
