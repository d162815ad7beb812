from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mofan.meetings"
    label = "meetings"
    verbose_name = "组织生活"

    def ready(self):
        from django.db.models.signals import post_migrate

        from mofan.core.defaults import seed_frequency_rules

        post_migrate.connect(seed_frequency_rules, sender=self)

        from mofan.meetings.reminders import expiring_terms, owed_meetings
        from mofan.notifications.reminders import register_producer

        register_producer(owed_meetings)
        register_producer(expiring_terms)

        from mofan.meetings.selectors import inactivity_flags
        from mofan.members.facts import register_member_flag

        register_member_flag(inactivity_flags)
