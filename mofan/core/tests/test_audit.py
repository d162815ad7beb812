"""The audit log: append-only, searchable by admins within their reach, exportable as CSV."""

import csv
import io
import json
from datetime import date, datetime, time
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM, Role
from mofan.core.audit import audit
from mofan.core.exports import HEADERS as CSV_HEADERS
from mofan.core.models import AuditLog
from mofan.orgs.services import org_update
from mofan.site.tests.factories import make_user


def record(user, marker, *, action="org.update", target=None, at=None):
    """An audit row whose `detail` is `marker`, written at `at` (default: now)."""
    if at is None:
        return audit(actor=user, action=action, target=target, detail=marker)
    moment = timezone.make_aware(datetime.combine(at, time(10)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit(actor=user, action=action, target=target, detail=marker)


@pytest.fixture
def entry(users, tree):
    return record(users.secretary, "原始说明", target=tree.branch)


# --- Append-only ----------------------------------------------------------------------------


def test_it_refuses_to_save_an_existing_record(entry):
    entry.detail = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    entry.refresh_from_db()
    assert entry.detail == "原始说明"


def test_it_refuses_to_delete_a_record(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_it_refuses_a_queryset_update(entry):
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(detail="篡改")
    with pytest.raises(PermissionError):
        AuditLog.objects.update(detail="篡改")
    entry.detail = "篡改"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditLog.objects.bulk_update([entry], ["detail"])
    entry.refresh_from_db()
    assert entry.detail == "原始说明"


def test_it_refuses_a_queryset_delete(entry):
    count = AuditLog.objects.count()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.count() == count


def test_it_keeps_the_records_when_their_user_is_deleted(users, entry):
    with pytest.raises(ProtectedError):
        users.secretary.delete()
    assert AuditLog.objects.filter(pk=entry.pk, user=users.secretary).exists()


def test_it_has_no_admin_site(login, users):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    client = login(users.committee_admin)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/core/auditlog/").status_code == 404


# --- The audit page -------------------------------------------------------------------------


@pytest.fixture
def records(users, tree):
    far_secretary = make_user(Role.SECRETARY, tree.far_branch, "farsecretary")
    return [
        record(users.secretary, "标记-书记改支部", target=tree.branch, at=date(2026, 1, 10)),
        record(users.unit_admin, "标记-单位建支部", action="org.create", target=tree.other_branch),
        record(far_secretary, "标记-民政局", target=tree.far_branch, at=date(2026, 3, 10)),
        record(users.committee_admin, "标记-工委导出", action="org.export", target=tree.committee),
        record(SYSTEM, "标记-系统", action="org.import"),
    ]


def markers(response) -> set[str]:
    return {m for m in MARKERS if m in response.content.decode()}


MARKERS = ["标记-书记改支部", "标记-单位建支部", "标记-民政局", "标记-工委导出", "标记-系统"]


def test_it_shows_every_record_to_the_committee_admin(login, users, records):
    response = login(users.committee_admin).get("/audit/")
    assert response.status_code == 200
    assert markers(response) == set(MARKERS)
    assert "<td>新建组织</td>" in response.content.decode()


def test_it_searches_by_user(login, users, records):
    response = login(users.committee_admin).get("/audit/", {"username": "farsec"})
    assert markers(response) == {"标记-民政局"}


def test_it_searches_by_action(login, users, records):
    response = login(users.committee_admin).get("/audit/", {"action": "org.create"})
    assert markers(response) == {"标记-单位建支部"}


def test_it_searches_by_target_text(login, users, records):
    response = login(users.committee_admin).get("/audit/", {"target": "发改委第"})
    assert markers(response) == {"标记-书记改支部", "标记-单位建支部"}


def test_it_searches_by_date_range(login, users, records):
    client = login(users.committee_admin)
    window = client.get("/audit/", {"since": "2026-01-01", "until": "2026-03-10"})
    assert markers(window) == {"标记-书记改支部", "标记-民政局"}
    one_day = client.get("/audit/", {"since": "2026-03-10", "until": "2026-03-10"})
    assert markers(one_day) == {"标记-民政局"}


def test_it_combines_search_fields(login, users, records):
    query = {"username": "secretary", "since": "2026-02-01"}
    assert markers(login(users.committee_admin).get("/audit/", query)) == {"标记-民政局"}


@pytest.mark.parametrize(
    "query", [{"since": "昨天"}, {"until": "2026-02-30"}, {"username": "a\x00"}, {"page": "x"}]
)
def test_it_answers_bad_search_input_without_an_error(login, users, records, query):
    response = login(users.committee_admin).get("/audit/", query)
    assert response.status_code == 200


def test_it_shows_the_unit_admin_only_records_of_users_in_their_sub_tree(login, users, records):
    response = login(users.unit_admin).get("/audit/")
    assert response.status_code == 200
    assert markers(response) == {"标记-书记改支部", "标记-单位建支部"}


def test_it_exports_what_the_search_finds_and_records_the_export(login, users, records):
    response = login(users.unit_admin).get("/audit/", {"target": "发改委第", "export": "1"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == tuple(CSV_HEADERS)
    assert {r[8] for r in rows[2:]} == {"标记-书记改支部", "标记-单位建支部"}
    assert "新建组织" in {r[3] for r in rows[2:]}
    export = AuditLog.objects.get(action="audit.export")
    assert (export.user, export.detail) == (users.unit_admin, "导出审计记录 2 条")


def test_it_refuses_the_export_to_a_branch_secretary(login, users, records):
    response = login(users.secretary).get("/audit/", {"export": "1"})
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="audit.export").exists()


def test_it_refuses_a_branch_secretary(login, users, records):
    assert login(users.secretary).get("/audit/").status_code == 403


def test_it_refuses_the_read_only_leader(login, users, records):
    assert login(users.leader).get("/audit/").status_code == 403


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, records):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- mofan audit export ---------------------------------------------------------------------


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_it_exports_csv_since_a_date(users, tree, tmp_path):
    record(users.secretary, "标记-去年", at=date(2025, 12, 31))
    record(users.secretary, "标记-今年", target=tree.branch, at=date(2026, 1, 1))
    expected = AuditLog.objects.filter(at__date__gte=date(2026, 1, 1)).count()
    path = tmp_path / "audit.csv"

    call_command("audit", "export", "--since", "2026-01-01", "--output", str(path))

    rows = read_csv(path)
    assert rows[0] == CSV_HEADERS
    assert len(rows) == expected + 1
    details = [row[CSV_HEADERS.index("说明")] for row in rows[1:]]
    assert "标记-今年" in details
    assert "标记-去年" not in details
    mine = rows[1 + details.index("标记-今年")]
    assert mine[CSV_HEADERS.index("用户")] == "secretary"
    assert mine[CSV_HEADERS.index("对象")] == "发改委第一党支部"
    assert mine[CSV_HEADERS.index("时间")] == "2026-01-01T10:00:00+08:00"


def test_it_exports_the_changes_as_json(users, tree, tmp_path):
    org_update(actor=users.unit_admin, org=tree.branch, short_name="一支部")
    path = tmp_path / "audit.csv"
    call_command("audit", "export", "--since", "2026-01-01", "--output", str(path))
    row = next(r for r in read_csv(path) if r[CSV_HEADERS.index("操作")] == "org.update")
    assert json.loads(row[CSV_HEADERS.index("变更")]) == {"short_name": ["", "一支部"]}


def test_it_records_the_export_itself(users, tmp_path):
    path = tmp_path / "audit.csv"
    call_command("audit", "export", "--since", "2026-01-01", "--output", str(path))
    export = AuditLog.objects.get(action="audit.export")
    assert str(len(read_csv(path)) - 1) in export.detail


def test_it_exports_to_standard_output(users):
    out = io.StringIO()
    call_command("audit", "export", "--since", "2026-01-01", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == CSV_HEADERS
    assert len(rows) > 1


@pytest.mark.parametrize("since", ["2026-13-45", "明天", ""])
def test_it_refuses_a_bad_date(db, tmp_path, since):
    with pytest.raises(CommandError):
        call_command("audit", "export", "--since", since, "--output", str(tmp_path / "a.csv"))
    assert not AuditLog.objects.filter(action="audit.export").exists()


def test_it_refuses_a_file_it_cannot_write(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "audit", "export", "--since", "2026-01-01", "--output", str(tmp_path / "no/a.csv")
        )


def test_the_audit_diff_stores_every_type_of_field_we_keep(users):
    """One value of each stored type goes through snapshot → diff → the JSON field and back."""
    import uuid
    from decimal import Decimal
    from types import SimpleNamespace

    from django.db.models.fields.files import FieldFile

    from mofan.core.audit import diff, snapshot
    from mofan.meetings.models import Attachment

    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    stored = FieldFile(None, Attachment._meta.get_field("file"), "meetings/2026/03/记录.pdf")
    before = SimpleNamespace(at=None, when=None, day=None, money=None, key=None, file=None, tags=[])
    after = SimpleNamespace(
        at=time(10, 30),
        when=datetime(2026, 3, 1, 9, 0),
        day=date(2028, 2, 29),
        money=Decimal("12.50"),
        key=key,
        file=stored,
        tags=["党课", date(2026, 1, 1)],
    )
    fields = ["at", "when", "day", "money", "key", "file", "tags"]
    changes = diff(snapshot(before, fields), snapshot(after, fields))
    entry = audit(actor=users.secretary, action="meeting.correct", changes=changes)
    assert AuditLog.objects.get(pk=entry.pk).changes == {
        "at": [None, "10:30:00"],
        "day": [None, "2028-02-29"],
        "file": [None, "meetings/2026/03/记录.pdf"],
        "key": [None, "12345678-1234-5678-1234-567812345678"],
        "money": [None, "12.50"],
        "tags": [[], ["党课", "2026-01-01"]],
        "when": [None, "2026-03-01T09:00:00"],
    }
