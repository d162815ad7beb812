from django.apps import AppConfig

AUDIT_LABELS: dict[str, str] = {
    "brands.call_create": "发起四强党支部创建申报",
    "brands.call_update": "修改四强党支部创建申报",
    "brands.call_close": "截止四强党支部申报",
    "brands.application_create": "填写四强党支部申报",
    "brands.application_update": "修改四强党支部申报",
    "brands.application_submit": "提交四强党支部申报",
    "brands.application_unit_pass": "单位审核通过四强党支部申报",
    "brands.application_return": "退回四强党支部申报",
    "brands.application_recognise": "认定四强党支部",
    "brands.application_reject": "不予认定四强党支部",
    "brands.application_recheck": "复核四强党支部",
    "brands.application_revoke": "撤销四强党支部",
    "brands.recognised_export": "导出四强党支部名单",
    "brands.brand_create": "填写党建品牌申报",
    "brands.brand_update": "修改党建品牌申报",
    "brands.brand_submit": "提交党建品牌申报",
    "brands.brand_unit_pass": "单位审核通过党建品牌",
    "brands.brand_return": "退回党建品牌申报",
    "brands.brand_reject": "不予认定党建品牌",
    "brands.batch_create": "分批认定党建品牌",
    "brands.brand_revoke": "撤销党建品牌",
    "brands.brands_export": "导出党建品牌名单",
}


class BrandsConfig(AppConfig):
    name = "mofan.brands"
    label = "brands"
    verbose_name = "四强党支部与党建品牌"

    def ready(self):
        from mofan.brands import facts  # noqa: F401 - registers the facts
        from mofan.core.registry import MenuEntry, register_audit_labels, register_menu

        register_menu(MenuEntry("四强党支部与党建品牌", "brands:index", 77, icon="flag"))
        register_audit_labels(AUDIT_LABELS)
