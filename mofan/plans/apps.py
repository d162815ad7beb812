from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mofan.plans"
    label = "plans"
    verbose_name = "创建方案与督办"

    def ready(self):
        from mofan.notifications.reminders import register_producer
        from mofan.plans.reminders import due_supervision, due_tasks

        register_producer(due_tasks)
        register_producer(due_supervision)
