"""API calls of the dues ledgers: the same export services as the pages."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mofan.core.api import ERRORS
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.members import dues, exports
from mofan.orgs.selectors import org_get

router = Router(tags=["党员"])

MIN_YEAR, MAX_YEAR = 1921, 2999


class LedgerParams(Schema):
    org_id: int = Field(..., description="党支部的编号")
    month: str = Field("", description="月份，如 2026-03；不填为本月")


class SummaryParams(Schema):
    org_id: int | None = Field(None, description="组织的编号；不填为您可以查看的全部范围")
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="年份；不填为今年")


def _month(text: str, today: date) -> date:
    if not text:
        return dues.month_start(today)
    try:
        day = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ApplicationError("月份须写成 2026-03 的形式", field="month") from None
    if day.year < MIN_YEAR:
        raise ApplicationError(f"月份不能早于 {MIN_YEAR} 年", field="month")
    return day


@router.get(
    "/dues/export", summary="导出支部某月党费收缴台账（xlsx）", response={200: None, **ERRORS}
)
def export_ledger(request, params: Query[LedgerParams]):
    today = timezone.localdate()
    month = _month(params.month, today)
    org = org_get(actor=request.user, org_id=params.org_id)
    export = exports.dues_ledger_export(actor=request.user, org=org, month=month, today=today)
    return xlsx_response(*export)


@router.get(
    "/dues/summary/export", summary="导出党费年度汇总（xlsx）", response={200: None, **ERRORS}
)
def export_summary(request, params: Query[SummaryParams]):
    org = org_get(actor=request.user, org_id=params.org_id) if params.org_id else None
    year = params.year or timezone.localdate().year
    export = exports.dues_summary_export(actor=request.user, org=org, year=year)
    return xlsx_response(*export)
