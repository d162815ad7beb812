from django.apps import AppConfig

AUDIT_LABELS = {
    "org.create": "新建组织",
    "org.update": "修改组织",
    "org.move": "移动组织",
    "org.dissolve": "撤销组织",
    "org.committee.add": "增加班子成员",
    "org.committee.remove": "移除班子成员",
    "org.committee.link": "班子成员关联党员记录",
    "org.import": "导入组织",
    "org.export": "导出组织",
    "org.list_export": "导出组织列表",
    "health_rule.update": "调整检查规则",
}


class OrgsConfig(AppConfig):
    name = "mofan.orgs"
    label = "orgs"
    verbose_name = "组织体系"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("组织体系", "orgs:tree", 10, icon="sitemap"),
        )
        from mofan.core.registry import register_audit_labels, register_audit_value
        from mofan.orgs.health import describe_conditions

        register_audit_labels(AUDIT_LABELS)
        register_audit_value("orgs.healthrule", "conditions", describe_conditions)
        from django.db.models.signals import post_migrate

        from mofan.orgs.defaults import seed_health_rules

        post_migrate.connect(seed_health_rules, sender=self)
        from mofan.core.access import register_org_model

        register_org_model(self.get_model("Org"))
        import mofan.orgs.facts  # noqa: F401  (registers the org facts)
