from django.apps import AppConfig

AUDIT_LABELS = {
    "audit.export": "导出审计日志",
    "job.create": "提交后台任务",
    "job.stale": "判定后台任务中断",
}


class CoreConfig(AppConfig):
    name = "mofan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("审计日志", "audit", 90, admin_only=True, icon="history"),
        )
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
