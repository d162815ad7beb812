"""The audit log reads in Chinese: fields under their labels, values under their display labels,
related objects by name (one query per related model, whatever the number of rows), and every
action of the filter with a Chinese label."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mofan.core.exports import HEADERS
from mofan.core.models import AuditLog
from mofan.core.registry import audit_labels
from mofan.orgs.models import OrgType
from mofan.orgs.services import org_update

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def written(user, target_type: str, changes: dict, *, action="task.update", target_repr="对象"):
    """An audit row on a target of `target_type`, as a service would write it."""
    entry = AuditLog(
        user=user,
        username=user.username,
        action=action,
        target_type=target_type,
        target_id="1",
        target_repr=target_repr,
        changes=changes,
    )
    entry.save()
    return entry


def page_text(client, **query) -> str:
    return client.get("/audit/", query).content.decode()


def test_it_shows_fields_by_label_and_choices_by_their_label(login, users, tree):
    org_update(actor=users.unit_admin, org=tree.branch, org_type=OrgType.JOINT_BRANCH)

    text = page_text(login(users.committee_admin), action="org.update")

    assert "<b>组织类型</b>：党支部 → 联合支部" in text
    assert "org_type" not in text
    assert "joint_branch" not in text


def test_it_shows_task_status_yes_no_and_dates_in_words(login, users, tree):
    written(
        users.unit_admin,
        "plans.task",
        {
            "status": ["not_started", "in_progress"],
            "needs_evidence": [False, True],
            "deadline": [None, "2026-03-01"],
            "weight": ["1.00", "2.00"],
        },
    )

    text = page_text(login(users.committee_admin))

    assert "<b>状态</b>：未开始 → 进行中" in text
    assert "<b>完成须上传佐证</b>：否 → 是" in text
    assert "<b>完成时限</b>：（空） → 2026-03-01" in text
    assert "<b>权重</b>：1.00 → 2.00" in text
    assert "in_progress" not in text


def test_it_names_related_objects_stored_by_id_or_by_name(login, users, tree):
    written(users.unit_admin, "plans.task", {"owner_org": [tree.branch.id, tree.other_branch.id]})
    written(users.unit_admin, "plans.task", {"assigner": ["市发改委机关党委", None]})

    text = page_text(login(users.committee_admin))

    assert f"<b>责任单位</b>：{tree.branch.name} → {tree.other_branch.name}" in text
    assert "<b>交办组织</b>：市发改委机关党委 → （空）" in text


def test_it_keeps_keys_it_cannot_place_readable(login, users, tree):
    written(users.unit_admin, "accounts.user", {"grant": [None, "书记 @ 第一支部"]})
    written(users.unit_admin, "gone.model", {"mystery": [1, 2]}, action="org.update")

    text = page_text(login(users.committee_admin))

    assert "<b>角色授权</b>：（空） → 书记 @ 第一支部" in text
    assert "<b>mystery</b>：1 → 2" in text


# session, user, grants, unread badge, count, page, and one per related model (orgs)
QUERIES = 7


@pytest.mark.parametrize("rows", [3, 40])
def test_the_page_costs_the_same_queries_for_few_or_many_related_ids(
    login, users, tree, rows, django_assert_max_num_queries
):
    orgs = [tree.branch, tree.other_branch, tree.far_branch, tree.unit]
    for n in range(rows):
        written(
            users.unit_admin,
            "plans.task",
            {"owner_org": [orgs[n % 4].id, orgs[(n + 1) % 4].id], "status": ["done", "submitted"]},
        )
        written(
            users.unit_admin, "accounts.user", {"is_active": [True, False]}, action="org.update"
        )
    client = login(users.committee_admin)
    client.get("/audit/")  # warm the session and the menu

    with django_assert_max_num_queries(QUERIES):
        response = client.get("/audit/")

    text = response.content.decode()
    assert text.count("<b>责任单位</b>") >= min(rows, 20)
    assert "（编号" not in text  # every id found its name


def test_the_excel_export_uses_the_same_labels(login, users, tree):
    written(
        users.unit_admin,
        "plans.task",
        {"owner_org": [tree.branch.id, tree.other_branch.id], "status": ["done", "submitted"]},
    )

    response = login(users.committee_admin).get("/audit/", {"action": "task.update", "export": "1"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == HEADERS[0])
    record = rows[header + 1]
    changes = record[HEADERS.index("变更")]
    assert f"责任单位：{tree.branch.name} → {tree.other_branch.name}" in changes
    assert "状态：已完成 → 待验收" in changes
    assert record[HEADERS.index("操作")] == audit_labels()["task.update"]
    assert record[HEADERS.index("对象类型")] == "任务"


# --- Action labels ---------------------------------------------------------------------------

ACTION_LINE = re.compile(r"\baction\s*=\s*(.+)")
ACTION_NAME = re.compile(r"""["']([a-z_]+\.[a-z_.]+)["']""")


def written_actions() -> set[str]:
    """Every action name the code passes to audit(), including both arms of a conditional."""
    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line in ACTION_LINE.findall(path.read_text(encoding="utf-8")):
            found.update(ACTION_NAME.findall(line))
    return found


def test_every_action_the_code_writes_has_a_chinese_label(db):
    labels = audit_labels()
    actions = written_actions()
    assert len(actions) > 50  # the scan finds the services' actions
    missing = sorted(a for a in actions if a not in labels)
    assert missing == [], (
        f"audit actions without a label (register them in the app's ready()): {missing}"
    )
    assert [a for a, label in labels.items() if not CHINESE.search(label)] == []


def test_the_action_filter_offers_chinese_labels_only(login, users):
    text = page_text(login(users.committee_admin))
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', text)
    assert len(options) == len(audit_labels()) + 1
    assert all(CHINESE.search(label) for _value, label in options)


def test_it_leaves_out_fields_a_new_record_left_blank(login, users, tree):
    written(users.unit_admin, "orgs.org", {"short_name": [None, ""], "name": [None, "新支部"]})

    text = page_text(login(users.committee_admin))

    assert "<b>组织名称</b>：（空） → 新支部" in text
    assert "<b>简称</b>" not in text
