from django.apps import AppConfig

AUDIT_LABELS = {
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "login.lockout": "账号锁定",
    "logout": "退出登录",
    "user.create": "创建用户",
    "user.bulk_create": "批量开通党员账号",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.password_reset": "重置密码",
    "user.password_change": "修改密码",
    "user.unlock": "解除锁定",
    "grant.create": "授权",
    "grant.revoke": "撤销授权",
    "grant.move": "授权随组织关系转移",
    "token.create": "创建令牌",
    "token.revoke": "吊销令牌",
}


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from mofan.accounts.services import token_authenticate
        from mofan.core.api import register_token_authenticator

        register_token_authenticator(token_authenticate)
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("用户管理", "accounts:users", 80, admin_only=True, icon="user-cog"),
            MenuEntry("我的账号", "accounts:me", 100, icon="id"),
        )
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
        from mofan.accounts import signals  # noqa: F401
