from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mofan.core.backup import KEY_REMINDER, backup_create
from mofan.core.errors import ApplicationError


class Command(BaseCommand):
    help = "备份：数据库和上传文件写入一个带日期的文件。mofan backup [--output 目录或文件]"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="备份目录或文件名（默认当前目录）")

    def handle(self, *args, output=".", **options):
        target = Path(output)
        if not target.is_dir() and not target.parent.is_dir():
            raise CommandError(f"目录不存在：{target.parent}")
        try:
            path = backup_create(target=target)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已备份到 {path}")
        self.stderr.write(KEY_REMINDER)
