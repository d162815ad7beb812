"""docs/FACTS.md lists every registered fact, as `mofan facts` prints it."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from mofan.core.facts import facts

DOC = Path(__file__).resolve().parents[3] / "docs" / "FACTS.md"


def test_the_doc_lists_every_registered_fact_with_its_label_unit_and_module():
    text = DOC.read_text(encoding="utf-8")
    missing = [
        f.code for f in facts() if f"| `{f.code}` | {f.label} | {f.unit} | {f.module} |" not in text
    ]
    assert not missing, f"docs/FACTS.md 缺少或过时：{missing}（用 mofan facts 重新生成表格）"


def test_the_doc_holds_the_table_the_command_prints():
    out = StringIO()
    call_command("facts", stdout=out)
    assert out.getvalue().strip() in DOC.read_text(encoding="utf-8")


def test_every_app_with_facts_has_registered_some():
    modules = {f.module for f in facts()}
    assert {"meetings", "members", "orgs", "plans"} <= modules
