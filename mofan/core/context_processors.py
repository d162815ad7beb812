from mofan.core.access import scope_of

MODULES = [
    ("首页", "home"),
    ("组织体系", "orgs:tree"),
    ("党员信息", "members:list"),
    ("发展党员", "members:development"),
    ("党费", "members:dues"),
    ("组织生活", "meetings:list"),
    ("创建任务", "plans:plans"),
    ("督查督办", "plans:supervision"),
]
ADMIN_MODULES = [("用户管理", "accounts:users"), ("审计日志", "audit")]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    menu = MODULES + (ADMIN_MODULES if scope.is_admin else []) + [("我的账号", "accounts:me")]
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"menu": menu, "scope": scope, "unread_notifications": unread}
