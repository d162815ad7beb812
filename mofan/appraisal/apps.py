from django.apps import AppConfig

AUDIT_LABELS: dict[str, str] = {
    "appraisal.round_create": "建立述职评议",
    "appraisal.round_update": "修改述职评议",
    "appraisal.round_step": "推进述职评议阶段",
    "appraisal.reporters_add": "增加述职人",
    "appraisal.reporter_remove": "移除述职人",
    "appraisal.panel_update": "设置评议人权重和人数",
    "appraisal.report_upload": "上传述职报告",
    "appraisal.reporter_review": "登记述职和点评",
    "appraisal.rectification_add": "增加述职整改事项",
    "appraisal.rectification_update": "更新述职整改事项",
    "appraisal.codes_issue": "发放评议码",
    "appraisal.codes_export": "导出评议码",
    "appraisal.vote": "述职评议投票",
    "appraisal.results_export": "导出述职评议结果",
}


class AppraisalConfig(AppConfig):
    name = "mofan.appraisal"
    label = "appraisal"
    verbose_name = "述职评议"

    def ready(self):
        from mofan.appraisal import facts  # noqa: F401 - registers the facts
        from mofan.core.registry import MenuEntry, register_audit_labels, register_menu

        register_menu(MenuEntry("述职评议", "appraisal:rounds", 76, icon="report"))
        register_audit_labels(AUDIT_LABELS)
