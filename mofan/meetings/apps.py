from django.apps import AppConfig

AUDIT_LABELS = {
    "appraisal.close": "完成民主评议",
    "appraisal.export": "导出评议结果",
    "appraisal.grade": "评定等次",
    "appraisal.open": "开展民主评议",
    "election.approve": "批复换届选举",
    "election.record": "记录换届选举",
    "election.reject": "不批准换届选举",
    "election.terms_export": "导出换届提醒",
    "meeting.attach": "上传会议附件",
    "meeting.attendance_export": "导出出席情况",
    "meeting.cancel": "取消会议",
    "meeting.compliance_export": "导出完成情况",
    "meeting.correct": "更正会议记录",
    "meeting.detach": "删除会议附件",
    "meeting.export": "导出组织生活台账",
    "meeting.import": "批量记录组织生活",
    "meeting.inactive_export": "导出连续六个月未参加组织生活名单",
    "meeting.plan": "计划会议",
    "meeting.record": "记录会议",
    "meeting.update": "修改会议",
}


class MeetingsConfig(AppConfig):
    name = "mofan.meetings"
    label = "meetings"
    verbose_name = "组织生活"

    def ready(self):
        from mofan.core.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry("组织生活", "meetings:list", 50, icon="calendar-event"),
        )
        from mofan.core.registry import register_audit_labels

        register_audit_labels(AUDIT_LABELS)
        from django.db.models.signals import post_migrate

        from mofan.meetings.defaults import seed_frequency_rules

        post_migrate.connect(seed_frequency_rules, sender=self)
        import mofan.meetings.facts  # noqa: F401  (registers the meeting facts)
        from mofan.meetings.reminders import expiring_terms, owed_meetings
        from mofan.notifications.reminders import register_producer

        register_producer(owed_meetings)
        register_producer(expiring_terms)

        from mofan.meetings.selectors import inactivity_flags
        from mofan.members.flags import register_member_flag

        register_member_flag(inactivity_flags)
