from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.access import scope_of
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
    "appraisal.close": "完成民主评议",
    "appraisal.export": "导出评议结果",
    "appraisal.grade": "评定等次",
    "appraisal.open": "开展民主评议",
    "development.apply": "登记入党申请",
    "development.rule": "调整发展党员规则",
    "development.step": "记录发展步骤",
    "development.stop": "终止发展程序",
    "dues.approve": "党费减免",
    "dues.export": "导出党费台账",
    "dues.pay": "登记党费",
    "dues.pay_all": "批量登记党费",
    "election.approve": "批复换届选举",
    "election.record": "记录换届选举",
    "election.reject": "不批准换届选举",
    "meeting.attach": "上传会议附件",
    "meeting.cancel": "取消会议",
    "meeting.compliance_export": "导出完成情况",
    "meeting.correct": "更正会议记录",
    "meeting.detach": "删除会议附件",
    "meeting.export": "导出组织生活台账",
    "meeting.import": "批量记录组织生活",
    "meeting.plan": "计划会议",
    "meeting.record": "记录会议",
    "meeting.update": "修改会议",
    "member.create": "录入党员",
    "member.photo": "上传党员照片",
    "member.export": "导出党员名单",
    "member.extend_probation": "延长预备期",
    "member.import": "导入花名册",
    "member.make_full": "转正",
    "member.reveal_id": "查看完整身份号码",
    "member.status": "变更党籍状态",
    "member.transfer_accept": "接收组织关系",
    "member.transfer_out": "转出本系统",
    "member.transfer_reject": "退回组织关系",
    "member.transfer_send": "转出组织关系",
    "member.update": "修改党员信息",
    "notification.read": "消息标为已读",
    "notification.write": "写入提醒",
    "plan.create": "新建方案",
    "plan.export": "导出方案",
    "plan.item_add": "增加方案事项",
    "supervision.answer": "督办反馈",
    "supervision.close": "督办办结",
    "supervision.export": "导出督办台账",
    "supervision.register": "登记督办事项",
    "supervision.remind": "催办",
    "task.accept": "验收任务",
    "task.cancel": "取消任务",
    "task.create": "下达任务",
    "task.export": "导出任务清单",
    "task.import": "导入任务",
    "task.report": "报告进展",
    "task.return": "退回任务",
    "task.split": "分解任务",
    "task.update": "修改任务",
    "weekly.record": "记录周调度",
    "health_rule.update": "调整检查规则",
}
