from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mofan.accounts.models import User
from mofan.notifications.reminders import due_reminders, write_reminders


class Command(BaseCommand):
    help = "写入今天的提醒消息（每日任务也会运行）；--dry-run 只列出将要发送的提醒"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出，不写入")
        parser.add_argument("--date", help="按指定日期计算，如 2026-12-01（默认今天）")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = self._date(date)
        if not dry_run:
            count = write_reminders(today)
            self.stdout.write(f"已写入提醒 {count} 条")
            return
        reminders = due_reminders(today)
        names = dict(
            User.objects.filter(pk__in={r.user_id for r in reminders}).values_list("pk", "username")
        )
        for r in sorted(reminders, key=lambda r: (names.get(r.user_id, ""), r.key)):
            self.stdout.write(f"{names.get(r.user_id, r.user_id)}\t{r.title}\t{r.link}")
        self.stdout.write(f"共 {len(reminders)} 条提醒（未写入）")

    def _date(self, text):
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
