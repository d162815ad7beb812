from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "mofan.orgs"
    label = "orgs"
    verbose_name = "组织体系"

    def ready(self):
        from django.db.models.signals import post_migrate

        from mofan.core.defaults import seed_health_rules

        post_migrate.connect(seed_health_rules, sender=self)
