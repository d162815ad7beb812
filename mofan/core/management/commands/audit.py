import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mofan.core.audit import audit
from mofan.core.excel import parse_date
from mofan.core.models import AuditLog

CSV_HEADERS = ["时间", "用户", "IP", "操作", "对象类型", "对象编号", "对象", "变更", "说明"]


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
                count = write_csv(stream, records)
        else:
            count = write_csv(self.stdout, records)
        audit(
            actor=None,
            action="audit.export",
            detail=f"命令行导出 {since_date} 以来的审计记录 {count} 条",
        )
        if output:
            self.stderr.write(f"已导出 {count} 条审计记录到 {output}")


def write_csv(stream, records) -> int:
    writer = csv.writer(stream)
    writer.writerow(CSV_HEADERS)
    count = 0
    for r in records.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(r.at).isoformat(),
                r.username,
                r.ip,
                r.action,
                r.target_type,
                r.target_id,
                r.target_repr,
                json.dumps(r.changes, ensure_ascii=False) if r.changes else "",
                r.detail,
            ]
        )
        count += 1
    return count
