"""The published lists as workbooks: recognised 四强党支部 by year, recognised 党建品牌 by
batch. The pages and the API call these; each export is audited."""

from mofan.brands.models import Status
from mofan.core.audit import audit
from mofan.core.excel import Export, new_sheet

RECOGNISED_HEADERS = ["年度", "党支部", "认定日期", "状态", "年度复核", "撤销日期", "撤销原因"]
BRAND_HEADERS = ["批次", "认定日期", "品牌名称", "品牌口号", "申报组织", "状态", "撤销原因"]


def recognised_export(*, actor, applications) -> Export:
    workbook, sheet = new_sheet("四强党支部名单", RECOGNISED_HEADERS, sheet_name="四强党支部")
    count = 0
    for application in applications:
        sheet.append(
            [
                application.call.year,
                application.org.name,
                application.recognised_on,
                application.get_status_display(),
                "；".join(f"{r.year}年：{r.note}" for r in application.rechecks.all()),
                application.revoked_on,
                application.revoke_reason,
            ]
        )
        count += 1
    audit(actor=actor, action="brands.recognised_export", detail=f"{count} 个")
    return Export(workbook, "四强党支部名单.xlsx")


def brands_export(*, actor, brands) -> Export:
    workbook, sheet = new_sheet("党建品牌名单", BRAND_HEADERS, sheet_name="党建品牌")
    count = 0
    for brand in brands:
        sheet.append(
            [
                str(brand.batch) if brand.batch else "",
                brand.recognised_on,
                brand.name,
                brand.slogan,
                brand.org.name,
                "有效" if brand.status == Status.RECOGNISED else brand.get_status_display(),
                brand.revoke_reason,
            ]
        )
        count += 1
    audit(actor=actor, action="brands.brands_export", detail=f"{count} 个")
    return Export(workbook, "党建品牌名单.xlsx")
