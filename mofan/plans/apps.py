from django.apps import AppConfig

AUDIT_LABELS = {
    "plan.create": "新建方案",
    "plan.export": "导出方案",
    "plan.item_add": "增加方案事项",
    "supervision.answer": "督办反馈",
    "supervision.close": "督办办结",
    "supervision.export": "导出督办台账",
    "supervision.register": "登记督办事项",
    "supervision.remind": "催办",
    "task.accept": "验收任务",
    "task.cancel": "取消任务",
    "task.create": "下达任务",
    "task.export": "导出任务清单",
    "task.import": "导入任务",
    "task.report": "报告进展",
    "task.return": "退回任务",
    "task.split": "分解任务",
    "task.update": "修改任务",
    "weekly.record": "记录周调度",
}


class PlansConfig(AppConfig):
    name = "mofan.plans"
    label = "plans"
    verbose_name = "创建方案与督办"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("创建任务", "plans:plans", 60, icon="checklist"),
            MenuEntry("督查督办", "plans:supervision", 70, icon="flag"),
        )
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
        import mofan.plans.facts  # noqa: F401  (registers the task and supervision facts)
        from mofan.notifications.reminders import register_producer
        from mofan.plans.reminders import due_supervision, due_tasks

        register_producer(due_tasks)
        register_producer(due_supervision)
