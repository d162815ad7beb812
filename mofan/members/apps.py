from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "mofan.members"
    label = "members"
    verbose_name = "党员信息"

    def ready(self):
        from django.db.models.signals import post_migrate

        from mofan.core.defaults import seed_development_rules

        post_migrate.connect(seed_development_rules, sender=self)
        from mofan.members.selectors import member_counts_by_org
        from mofan.orgs.facts import register_member_counter

        register_member_counter(member_counts_by_org)
