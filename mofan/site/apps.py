from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The composition root: home page, menu, demo and bench commands, root urls and API."""

    name = "mofan.site"
    label = "site"
    verbose_name = "站点"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("首页", "home", 0, icon="layout-dashboard"),
            MenuEntry("我的", "mine", 1, icon="user"),
        )
