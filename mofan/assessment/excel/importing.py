"""The import: the rows checked first, then written through the scheme services in one
transaction, undone as a whole when a service refuses a row."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.assessment import services
from mofan.assessment.excel.reading import SchemeImport, counted_points, read_scheme
from mofan.assessment.forms import DEFAULT_GRADES
from mofan.assessment.models import Scheme, Target
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import RowError


class _Refused(Exception):
    """Raised inside the write transaction to undo it when a service refuses a row."""


def scheme_import(
    *,
    actor,
    upload,
    org=None,
    into: Scheme | None = None,
    name: str = "",
    year: int | None = None,
    target: str = "",
) -> SchemeImport:
    """Read a scheme workbook into a new draft scheme of `org` (its name and year from the
    form, else from the file's title row) or into the draft `into`. Nothing is written unless
    every row is right; the result lists every bad row with its column and reason."""
    if into is None and org is None:
        raise ApplicationError("请选择制定组织", field="org")
    if not scope_of(actor).can_admin((into.org if into else org).path):
        raise PermissionDenied(services.NO_PERMISSION)
    if into is not None and not into.is_draft:
        raise ApplicationError("方案已发布，不能导入指标；如需调整请生成新版本")
    found = read_scheme(upload)
    if found.ok:
        _check_names(found, into)
    if not found.ok:
        return found
    try:
        with transaction.atomic():
            found.scheme = _write(actor, found, org, into, name, year, target)
    except _Refused:
        found.scheme = None
    return found


def _check_names(found: SchemeImport, into: Scheme | None) -> None:
    if into is None:
        return
    existing = set(into.indicators.filter(parent__isnull=True).values_list("name", flat=True))
    for area in found.areas:
        if area.name in existing:
            found.errors.append(RowError(area.row, "一级指标", f"方案中已有一级指标“{area.name}”"))


def _write(actor, found: SchemeImport, org, into, name, year, target) -> Scheme:
    scheme = into or services.scheme_create(
        actor=actor,
        org=org,
        name=name or found.title or "导入的考核方案",
        year=year or found.year or timezone.localdate().year,
        target=target or found.target or Target.UNITS,
        bonus_cap=found.bonus_cap or Decimal(0),
        description=found.description,
    )
    for area in found.areas:
        created = _refusing_at(
            found,
            area.row,
            "一级指标",
            lambda area=area: services.indicator_add(
                actor=actor,
                scheme=scheme,
                name=area.name,
                max_points=area.max_points if area.max_points is not None else counted_points(area),
            ),
        )
        for item in area.items:
            _refusing_at(
                found,
                item.row,
                "具体指标",
                lambda item=item, area_indicator=created: services.indicator_add(
                    actor=actor,
                    scheme=scheme,
                    parent=area_indicator,
                    name=item.name,
                    max_points=item.max_points,
                    rule=item.rule,
                    fact_code=item.fact_code,
                    params=item.params,
                    guidance=item.guidance,
                    evidence=item.evidence,
                ),
            )
    if into is not None and found.bonus_cap is not None:
        _set_bonus_cap(scheme, found.bonus_cap)
    grades = found.grades or (_default_grades() if into is None else [])
    if grades:
        _refusing_at(
            found,
            found.grades_row,
            "考核等次",
            lambda: services.grades_set(actor=actor, scheme=scheme, grades=grades),
        )
    audit(
        actor=actor,
        action="assessment.scheme_import",
        target=scheme,
        detail=f"一级指标 {len(found.areas)} 个，具体指标 {found.item_count} 个",
    )
    return scheme


def _refusing_at(found: SchemeImport, row: int, column: str, call):
    try:
        return call()
    except ApplicationError as refused:
        found.errors.append(RowError(row, column, refused.message))
        raise _Refused from refused


def _set_bonus_cap(scheme: Scheme, cap: Decimal) -> None:
    scheme.bonus_cap = services.decimal_or_refuse_field(cap, "加分上限", "bonus_cap")
    scheme.full_clean()
    scheme.save(update_fields=["bonus_cap"])


def _default_grades():
    return [(DEFAULT_GRADES[f"label{r}"], DEFAULT_GRADES[f"at_least{r}"]) for r in range(1, 5)]
