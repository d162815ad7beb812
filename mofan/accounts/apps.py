from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from mofan.accounts import signals  # noqa: F401
