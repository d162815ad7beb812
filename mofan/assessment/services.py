"""Writes to assessment schemes: categories, schemes, indicators, grades, publishing, versions.

A scheme is written by an admin over the org that runs it, and only while it is a draft; once
published it is frozen, and a change is a new version (a copy). Each write leaves an audit row.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.assessment.models import (
    Category,
    GradeBand,
    Indicator,
    Placement,
    Scheme,
    SchemeStatus,
    Target,
)
from mofan.assessment.rules import item_rule
from mofan.assessment.scoring import Grade, RuleError, decimal_or_refuse, points
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked, refused_if_taken

NO_PERMISSION = "只有该组织的管理员可以制定考核方案"


def _require_admin(actor, org) -> None:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied(NO_PERMISSION)


def _require_draft(scheme: Scheme) -> None:
    if not scheme.is_draft:
        raise ApplicationError("方案已发布，不能修改；如需调整请生成新版本")


def _refuse_rule(error: RuleError, field: str):
    raise ApplicationError(str(error), field=field) from error


@transaction.atomic
def category_create(*, actor, org, name: str, sort_order: int = 0) -> Category:
    _require_admin(actor, org)
    name = name.strip()
    if not name:
        raise ApplicationError("请填写类别名称", field="name")
    if Category.objects.filter(org=org, name=name).exists():
        raise ApplicationError(f"类别“{name}”已存在", field="name")
    category = Category(org=org, name=name, sort_order=sort_order)
    with refused_if_taken(f"类别“{name}”已存在", field="name"):
        category.save()
    audit(actor=actor, action="assessment.category_create", target=category)
    return category


@transaction.atomic
def units_place(*, actor, category: Category, units) -> int:
    """Put units in a category (each unit is in one category: placing it moves it)."""
    _require_admin(actor, category.org)
    units = list(units)
    outside = [
        u.name for u in units if not u.path.startswith(category.org.path) or u == category.org
    ]
    if outside:
        raise ApplicationError(f"“{outside[0]}”不在{category.org.name}之下", field="units")
    Placement.objects.filter(unit__in=units).delete()
    Placement.objects.bulk_create(Placement(category=category, unit=unit) for unit in units)
    audit(
        actor=actor,
        action="assessment.units_place",
        target=category,
        detail="、".join(u.name for u in units),
    )
    return len(units)


@transaction.atomic
def scheme_create(
    *,
    actor,
    org,
    name: str,
    year: int,
    target: str = Target.UNITS,
    bonus_cap=Decimal(0),
    description: str = "",
    categories=(),
) -> Scheme:
    _require_admin(actor, org)
    if not name.strip():
        raise ApplicationError("请填写方案名称", field="name")
    if target not in Target.values:
        raise ApplicationError("请选择考核对象", field="target")
    cap = decimal_or_refuse_field(bonus_cap, "加分上限", "bonus_cap")
    scheme = Scheme.objects.create(
        org=org,
        name=name.strip(),
        year=year,
        target=target,
        bonus_cap=cap,
        description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    categories = list(categories)
    if any(c.org_id != org.pk for c in categories):
        raise ApplicationError("适用类别须是本组织设置的类别", field="categories")
    scheme.categories.set(categories)
    audit(actor=actor, action="assessment.scheme_create", target=scheme)
    return scheme


def decimal_or_refuse_field(value, what: str, field: str) -> Decimal:
    try:
        number = decimal_or_refuse(value, what)
    except RuleError as error:
        _refuse_rule(error, field)
    if number < 0:
        raise ApplicationError(f"{what}不能为负数", field=field)
    return points(number)


@transaction.atomic
def indicator_add(
    *,
    actor,
    scheme: Scheme,
    name: str,
    max_points,
    parent: Indicator | None = None,
    rule: str = "",
    fact_code: str = "",
    params: dict | None = None,
    guidance: str = "",
    evidence: str = "",
) -> Indicator:
    """An area (no parent, no rule) or an item under an area (a rule and its numbers)."""
    _require_admin(actor, scheme.org)
    scheme = locked(scheme)
    _require_draft(scheme)
    indicator = Indicator(
        scheme=scheme,
        parent=parent,
        name=name.strip(),
        guidance=guidance,
        evidence=evidence,
        sort_order=scheme.indicators.filter(parent=parent).count() + 1,
    )
    _apply_rule(indicator, max_points, rule, fact_code, params)
    indicator.save()
    audit(actor=actor, action="assessment.indicator_add", target=indicator, detail=scheme.name)
    return indicator


def _apply_rule(indicator: Indicator, max_points, rule: str, fact_code: str, params) -> None:
    if not indicator.name:
        raise ApplicationError("请填写指标名称", field="name")
    if indicator.parent is not None:
        if indicator.parent.scheme_id != indicator.scheme_id or not indicator.parent.is_area:
            raise ApplicationError("指标须放在本方案的一级指标（领域）之下", field="parent")
        try:
            checked = item_rule(
                rule=rule, max_points=max_points, fact_code=fact_code, params=params
            )
        except RuleError as error:
            _refuse_rule(error, "rule")
        indicator.max_points = points(checked.maximum)
        indicator.rule, indicator.fact_code, indicator.params = rule, fact_code, params or {}
        return
    if rule or fact_code:
        raise ApplicationError("一级指标（领域）不设计分方式，请在其下增加具体指标", field="rule")
    indicator.max_points = decimal_or_refuse_field(max_points or 0, "分值", "max_points")
    indicator.rule, indicator.fact_code, indicator.params = "", "", {}


@transaction.atomic
def indicator_update(
    *,
    actor,
    indicator: Indicator,
    name: str,
    max_points,
    rule="",
    fact_code="",
    params=None,
    guidance: str = "",
    evidence: str = "",
) -> Indicator:
    _require_admin(actor, indicator.scheme.org)
    _require_draft(locked(indicator.scheme))
    before = {
        "name": indicator.name,
        "max_points": str(indicator.max_points),
        "rule": indicator.rule,
    }
    indicator.name, indicator.guidance, indicator.evidence = name.strip(), guidance, evidence
    _apply_rule(indicator, max_points, rule, fact_code, params)
    indicator.save()
    after = {
        "name": indicator.name,
        "max_points": str(indicator.max_points),
        "rule": indicator.rule,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit(actor=actor, action="assessment.indicator_update", target=indicator, changes=changes)
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    _require_admin(actor, indicator.scheme.org)
    _require_draft(locked(indicator.scheme))
    audit(
        actor=actor,
        action="assessment.indicator_delete",
        target=indicator.scheme,
        detail=indicator.name,
    )
    indicator.delete()


@transaction.atomic
def grades_set(*, actor, scheme: Scheme, grades: list[tuple[str, object]]) -> list[GradeBand]:
    """Replace the scheme's grade bands: (label, lowest total), e.g. ("好", 90)."""
    _require_admin(actor, scheme.org)
    _require_draft(locked(scheme))
    bands = []
    for label, at_least in grades:
        label = label.strip()
        if not label:
            raise ApplicationError("请填写等次名称", field="grades")
        bands.append(
            GradeBand(
                scheme=scheme,
                label=label,
                at_least=decimal_or_refuse_field(at_least, f"“{label}”的最低分", "grades"),
            )
        )
    labels = [b.label for b in bands]
    if len(set(labels)) != len(labels):
        raise ApplicationError("等次名称不能重复", field="grades")
    if len({b.at_least for b in bands}) != len(bands):
        raise ApplicationError("各等次的最低分不能相同", field="grades")
    if not bands or min(b.at_least for b in bands) != 0:
        raise ApplicationError("最低一档的最低分应为 0，使每个总分都有等次", field="grades")
    scheme.grades.all().delete()
    GradeBand.objects.bulk_create(bands)
    audit(
        actor=actor,
        action="assessment.grades_set",
        target=scheme,
        detail="；".join(f"{b.label} ≥{b.at_least}" for b in bands),
    )
    return bands


def publish_problems(scheme: Scheme) -> list[str]:
    """What stops the scheme being published, in words; empty when it can be."""
    indicators = list(scheme.indicators.all())
    areas = [i for i in indicators if i.is_area]
    items_of = {area.pk: [i for i in indicators if i.parent_id == area.pk] for area in areas}
    problems = []
    if not areas:
        problems.append("方案还没有指标")
    for area in areas:
        items = items_of[area.pk]
        if not items:
            problems.append(f"一级指标“{area.name}”下还没有具体指标")
            continue
        counted = sum((i.max_points for i in items if i.rule not in ("bonus", "veto")), Decimal(0))
        if area.max_points and counted != area.max_points:
            problems.append(
                f"一级指标“{area.name}”分值 {area.max_points:f} 分，其下指标合计 {counted:f} 分"
            )
        for item in items:
            try:
                item_rule(
                    rule=item.rule,
                    max_points=item.max_points,
                    fact_code=item.fact_code,
                    params=item.params,
                )
            except RuleError as error:
                problems.append(f"指标“{item.name}”：{error}")
    if not scheme.grades.exists():
        problems.append("还没有设置考核等次")
    return problems


def scheme_total(scheme: Scheme) -> Decimal:
    """The scheme's full marks: the items' points, without bonus items and vetoes."""
    return sum(
        (
            i.max_points
            for i in scheme.indicators.all()
            if not i.is_area and i.rule not in ("bonus", "veto")
        ),
        Decimal(0),
    )


@transaction.atomic
def scheme_publish(*, actor, scheme: Scheme) -> Scheme:
    _require_admin(actor, scheme.org)
    scheme = locked(scheme)
    _require_draft(scheme)
    problems = publish_problems(scheme)
    if problems:
        raise ApplicationError("方案还不能发布：" + "；".join(problems))
    scheme.status = SchemeStatus.PUBLISHED
    scheme.published_at = timezone.now()
    scheme.save(update_fields=["status", "published_at"])
    if scheme.previous_id:
        Scheme.objects.filter(pk=scheme.previous_id).update(status=SchemeStatus.REPLACED)
    audit(actor=actor, action="assessment.scheme_publish", target=scheme)
    return scheme


@transaction.atomic
def scheme_new_version(*, actor, scheme: Scheme) -> Scheme:
    """A draft copy of a published scheme, to be changed and published in its place."""
    _require_admin(actor, scheme.org)
    scheme = locked(scheme)
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ApplicationError("只有已发布的方案可以生成新版本")
    if Scheme.objects.filter(previous=scheme).exists():
        raise ApplicationError("该方案已有新版本")
    copy = Scheme.objects.create(
        org=scheme.org,
        name=scheme.name,
        year=scheme.year,
        target=scheme.target,
        bonus_cap=scheme.bonus_cap,
        description=scheme.description,
        version=scheme.version + 1,
        previous=scheme,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    copy.categories.set(scheme.categories.all())
    _copy_indicators(scheme, copy)
    GradeBand.objects.bulk_create(
        GradeBand(scheme=copy, label=g.label, at_least=g.at_least) for g in scheme.grades.all()
    )
    audit(
        actor=actor, action="assessment.scheme_version", target=copy, detail=f"第 {copy.version} 版"
    )
    return copy


def _copy_indicators(source: Scheme, copy: Scheme) -> None:
    indicators = list(source.indicators.all())
    new_area = {}
    for area in (i for i in indicators if i.is_area):
        new_area[area.pk] = Indicator.objects.create(
            scheme=copy, name=area.name, max_points=area.max_points, sort_order=area.sort_order
        )
    Indicator.objects.bulk_create(
        Indicator(
            scheme=copy,
            parent=new_area[item.parent_id],
            name=item.name,
            max_points=item.max_points,
            rule=item.rule,
            fact_code=item.fact_code,
            params=item.params,
            guidance=item.guidance,
            evidence=item.evidence,
            sort_order=item.sort_order,
        )
        for item in indicators
        if not item.is_area
    )


def grades_of(scheme: Scheme) -> list[Grade]:
    return [Grade(g.label, g.at_least) for g in scheme.grades.all()]
