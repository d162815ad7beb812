from django.apps import AppConfig

AUDIT_LABELS: dict[str, str] = {}


class AppraisalConfig(AppConfig):
    name = "mofan.appraisal"
    label = "appraisal"
    verbose_name = "述职评议"

    def ready(self):
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
