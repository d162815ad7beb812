from django.apps import AppConfig

AUDIT_LABELS: dict[str, str] = {}


class BrandsConfig(AppConfig):
    name = "mofan.brands"
    label = "brands"
    verbose_name = "四强党支部与党建品牌"

    def ready(self):
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
