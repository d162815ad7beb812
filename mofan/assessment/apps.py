from django.apps import AppConfig

AUDIT_LABELS = {
    "assessment.category_create": "新建考核类别",
    "assessment.units_place": "设置单位考核类别",
    "assessment.scheme_create": "新建考核方案",
    "assessment.indicator_add": "增加考核指标",
    "assessment.indicator_update": "修改考核指标",
    "assessment.indicator_delete": "删除考核指标",
    "assessment.grades_set": "设置考核等次",
    "assessment.scheme_publish": "发布考核方案",
    "assessment.scheme_version": "生成考核方案新版本",
    "assessment.round_create": "建立考核",
    "assessment.round_open": "发布考核",
    "assessment.round_advance": "推进考核阶段",
    "assessment.self_assess": "填写考核自评",
    "assessment.review": "考核评审打分",
    "assessment.adjust": "调整考核得分",
    "assessment.finding": "记录扣分或否决事项",
    "assessment.round_export": "导出考核得分表",
    "assessment.objection": "提出考核异议",
    "assessment.name": "命名表彰",
    "assessment.revoke": "摘牌",
    "assessment.honours_export": "导出命名表彰名单",
    "assessment.objection_answer": "答复考核异议",
    "assessment.scheme_export": "导出考核方案",
    "assessment.scheme_import": "导入考核方案",
    "assessment.notice": "生成考核结果通报",
    "assessment.self_submit": "提交考核自评",
    "assessment.evidence_add": "上传自评佐证材料",
    "assessment.evidence_remove": "删除自评佐证材料",
}


class AssessmentConfig(AppConfig):
    name = "mofan.assessment"
    label = "assessment"
    verbose_name = "考核评价"

    def ready(self):
        import mofan.assessment.facts  # noqa: F401  (registers the assessment facts)
        from mofan.core.registry import MenuEntry, register_audit_labels, register_menu

        register_menu(MenuEntry("考核评价", "assessment:rounds", 75, icon="award"))
        register_audit_labels(AUDIT_LABELS)
