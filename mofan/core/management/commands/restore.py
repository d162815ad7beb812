from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mofan.core.backup import KEY_REMINDER, backup_restore
from mofan.core.errors import ApplicationError


class Command(BaseCommand):
    help = "恢复：用 mofan backup 生成的文件替换当前数据库和上传文件。mofan restore 文件 [--yes]"

    def add_arguments(self, parser):
        parser.add_argument("file", help="mofan backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, file, yes=False, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"找不到备份文件：{source}")
        if not yes:
            answer = input("恢复将覆盖当前数据库和全部上传文件，且不能撤销。输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何改动")
        try:
            manifest = backup_restore(source=source)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已恢复 {manifest['created']} 的备份（{manifest['media']} 个上传文件）")
        self.stderr.write(KEY_REMINDER)
