from django.apps import AppConfig

AUDIT_LABELS = {
    "notification.read": "消息标为已读",
    "notification.write": "写入提醒",
}


class NotificationsConfig(AppConfig):
    name = "mofan.notifications"
    label = "notifications"
    verbose_name = "消息提醒"

    def ready(self):
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
