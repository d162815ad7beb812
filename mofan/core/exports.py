"""The audit log as Excel (the page) and as CSV (the `mofan audit export` command); reading the
log is itself audited."""

import csv
import json
from itertools import islice

from django.utils import timezone

from mofan.core.audit import audit
from mofan.core.audit_display import change_text, describe_changes, target_label
from mofan.core.excel import Export, new_sheet, safe_csv_value

EXPORT_CHUNK = 2000  # records whose related names are fetched together
HEADERS = ["时间", "用户", "IP", "操作", "对象类型", "对象编号", "对象", "变更", "说明"]


def _row(record) -> list:
    return [
        timezone.localtime(record.at).isoformat(),
        record.username,
        record.ip,
        record.action,
        record.target_type,
        record.target_id,
        record.target_repr,
        json.dumps(record.changes, ensure_ascii=False) if record.changes else "",
        record.detail,
    ]


def _batched(rows, size: int):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def audit_export(*, actor, records, labels: dict[str, str]) -> Export:
    """The filtered records the actor may read, newest first, with actions, fields and values
    in Chinese."""
    workbook, sheet = new_sheet("审计日志", HEADERS, "审计日志", streaming=True)
    count = 0
    for chunk in _batched(records.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        describe_changes(chunk)
        for record in chunk:
            row = _row(record)
            row[0] = timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S")
            row[3] = labels.get(record.action, record.action)
            row[4] = target_label(record.target_type)
            row[7] = change_text(record)
            sheet.append(row)
        count += len(chunk)
    audit(actor=actor, action="audit.export", detail=f"导出审计记录 {count} 条")
    return Export(workbook, "审计日志.xlsx")


def audit_csv(*, actor, records, stream, detail: str) -> int:
    """Write the records as CSV to `stream`; the count written."""
    writer = csv.writer(stream)
    writer.writerow(HEADERS)
    count = 0
    for record in records.iterator(chunk_size=2000):
        writer.writerow([safe_csv_value(v) for v in _row(record)])
        count += 1
    audit(actor=actor, action="audit.export", detail=f"{detail} {count} 条")
    return count
