from django.core.management.base import BaseCommand, CommandError

from mofan.core.access import COMMAND_LINE
from mofan.core.excel import parse_date
from mofan.core.exports import audit_csv
from mofan.core.models import AuditLog


class Command(BaseCommand):
    help = "审计日志：mofan audit export --since 2026-01-01 [--output 文件.csv]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出 CSV")
        export.add_argument("--since", required=True, help="起始日期，如 2026-01-01")
        export.add_argument("--output", help="输出文件（默认输出到屏幕）")

    def handle(self, *args, action, since, output=None, **options):
        try:
            since_date = parse_date(since)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if since_date is None:
            raise CommandError("请用 --since 指定起始日期，如 2026-01-01")
        records = AuditLog.objects.filter(at__date__gte=since_date).order_by("at", "id")
        if output:
            try:
                stream = open(output, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115
            except OSError as exc:
                raise CommandError(f"无法写入文件 {output}：{exc.strerror}") from exc
            with stream:
                count = self._write(stream, records, since_date)
        else:
            count = self._write(self.stdout, records, since_date)
        if output:
            self.stderr.write(f"已导出 {count} 条审计记录到 {output}")

    def _write(self, stream, records, since_date) -> int:
        return audit_csv(
            actor=COMMAND_LINE,
            records=records,
            stream=stream,
            detail=f"命令行导出 {since_date} 以来的审计记录",
        )
