from django.apps import AppConfig

AUDIT_LABELS = {
    "development.apply": "登记入党申请",
    "development.rule": "调整发展党员规则",
    "development.step": "记录发展步骤",
    "development.stop": "终止发展程序",
    "dues.approve": "党费减免",
    "development.export": "导出发展党员台账",
    "dues.export": "导出党费台账",
    "dues.pay": "登记党费",
    "dues.pay_all": "批量登记党费",
    "member.correction_accept": "采纳信息更正",
    "member.correction_propose": "申请更正信息",
    "member.correction_reject": "不采纳信息更正",
    "member.create": "录入党员",
    "member.login_rule": "设置党员账号规则",
    "member.logins_create": "批量开通党员账号",
    "member.logins_download": "下载账号和初始密码",
    "member.photo": "上传党员照片",
    "member.export": "导出党员名单",
    "transfer.export": "导出组织关系转接台账",
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
    "member.user_link": "关联登录账号",
}


class MembersConfig(AppConfig):
    name = "mofan.members"
    label = "members"
    verbose_name = "党员信息"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("党员信息", "members:list", 20, icon="users"),
            MenuEntry("发展党员", "members:development", 30, icon="user-plus"),
            MenuEntry("党费", "members:dues", 40, icon="coin-yuan"),
        )
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
        from django.db.models.signals import post_migrate

        from mofan.members.defaults import seed_development_rules

        post_migrate.connect(seed_development_rules, sender=self)
        from mofan.members.selectors import member_counts_by_org
        from mofan.orgs.counts import register_member_counter

        register_member_counter(member_counts_by_org)
        import mofan.members.facts  # noqa: F401  (registers the member and dues facts)
        from mofan.members.selectors import seat_directory
        from mofan.orgs.seat_holders import register_seat_directory

        register_seat_directory(seat_directory)
