from mofan.accounts.scope import scope_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    menu = [
        ("首页", "home"),
        ("组织体系", "orgs:tree"),
        ("党员信息", "members:list"),
        ("发展党员", "members:development"),
        ("党费", "members:dues"),
    ]
    if scope.is_admin:
        menu += [("用户管理", "accounts:users"), ("审计日志", "audit")]
    menu.append(("我的账号", "accounts:me"))
    return {"menu": menu, "scope": scope}
