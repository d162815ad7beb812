from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from mofan.accounts.models import User
from mofan.accounts.scope import scope_of
from mofan.core.models import AuditLog


def audit_list(
    *,
    actor,
    username: str = "",
    action: str = "",
    target: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditLog]:
    """Audit records the actor may read: all for a committee admin; for a unit admin, those
    written by users whose grants lie in the admin's sub-tree."""
    scope = scope_of(actor)
    records = AuditLog.objects.select_related("user")
    if not scope.is_committee_admin:
        managed = User.objects.filter(scope.paths_q(scope.admin_paths, "grants__org__path"))
        records = records.filter(user__in=managed.values("pk"))
    if username:
        records = records.filter(username__icontains=username.strip())
    if action:
        records = records.filter(action__startswith=action.strip())
    if target:
        records = records.filter(target_repr__icontains=target.strip())
    if since:
        records = records.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        records = records.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return records


ACTION_LABELS = {
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "login.lockout": "账号锁定",
    "logout": "退出登录",
    "user.create": "创建用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.password_reset": "重置密码",
    "user.password_change": "修改密码",
    "user.unlock": "解除锁定",
    "grant.create": "授权",
    "grant.revoke": "撤销授权",
    "token.create": "创建令牌",
    "token.revoke": "吊销令牌",
    "org.create": "新建组织",
    "org.update": "修改组织",
    "org.move": "移动组织",
    "org.dissolve": "撤销组织",
    "org.committee.add": "增加班子成员",
    "org.committee.remove": "移除班子成员",
    "org.import": "导入组织",
    "org.export": "导出组织",
    "audit.export": "导出审计日志",
    "health_rule.update": "调整检查规则",
}
