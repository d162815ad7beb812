"""The Word notice (通报) of a round's results: what it says (read back with python-docx),
its layout (A4, Chinese fonts), and who may take it when."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document
from docx.oxml.ns import qn

from mofan.assessment import naming, notice, rounds, services
from mofan.assessment.tests.rounds.conftest import round_, scheme, values  # noqa: F401
from mofan.assessment.tests.rounds.test_naming import final_round
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def preliminary(users, round_):  # noqa: F811
    admin = users.committee_admin
    rounds.round_open(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    rounds.round_advance(actor=admin, round_=round_)
    return round_


@pytest.fixture
def closed(users, tree, scheme, values):  # noqa: F811
    """A final 2025 round: 市民政局 95% (好), 市发改委 90% but a veto; 市民政局 named."""
    values["plans.supervision.unanswered"] = {tree.unit.pk: 1}
    round_ = final_round(  # noqa: F811
        users, scheme, 2025, values, {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("95")}
    )
    naming.advanced_name(
        actor=users.committee_admin,
        round_=round_,
        org_ids=[tree.far_unit.pk],
        decision="市直机关工委〔2026〕3号",
    )
    return round_


def test_the_notice_reports_the_figures_grades_named_and_vetoed_units(closed, users, login):
    response = login(users.committee_admin).get(f"/assessment/rounds/{closed.id}/notice/")
    assert response.status_code == 200
    assert response["Content-Type"] == notice.DOCX
    lines = paragraphs(response.content)
    assert lines[0] == "关于2025年度模范机关创建考核结果的通报"
    opening = next(line for line in lines if line.startswith("根据《"))
    assert "于2025年1月1日至2025年12月31日组织开展了2025 年度考评" in opening
    assert "共有 2 个单位参加" in opening
    assert "“好”等次 1 个" in opening and "“差”等次 1 个" in opening
    assert "被一票否决 1 个" in opening
    assert "好（1 个）：市民政局机关党总支。" in lines
    assert "差（1 个）：市发改委机关党委。" in lines
    named = next(line for line in lines if line.startswith("经研究"))
    assert "市民政局机关党总支" in named and "2025年度先进单位" in named
    assert "市直机关工委〔2026〕3号" in named
    vetoed = next(line for line in lines if "一票否决事项" in line)
    assert vetoed.startswith("市发改委机关党委") and "“差”" in vetoed
    assert "市直机关工委" in lines  # the signature
    table = Document(io.BytesIO(response.content)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["类别内名次", "单位", "类别", "总分", "等次"]
    assert [c.text for c in table.rows[2].cells][1::3] == ["市发改委机关党委", "一票否决"]
    assert AuditLog.objects.filter(action="assessment.notice", target_id=str(closed.pk)).exists()


def test_the_title_comes_from_the_scheme_name(closed):
    closed.scheme.name = "2025年度模范机关创建考核方案"
    assert notice.notice_title(closed) == "关于2025年度模范机关创建考核结果的通报"


def test_the_notice_is_an_a4_draft_in_chinese_official_fonts(closed, users):
    content, filename = notice.round_notice(
        actor=users.committee_admin, round_=closed, today=date(2026, 1, 15)
    )
    assert filename.endswith("考核结果的通报.docx")
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    title_run = document.paragraphs[0].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = document.styles["Normal"].element.rPr.rFonts
    assert body.get(qn("w:eastAsia")) == "仿宋_GB2312"
    font_table = next(
        rel.target_part.blob
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/fontTable")
    ).decode()
    assert 'w:name="仿宋_GB2312"' in font_table and 'w:val="宋体"' in font_table
    assert "2026年1月15日" in [p.text for p in document.paragraphs]


def test_a_preliminary_notice_says_so_and_lists_by_category(users, tree, round_, values):  # noqa: F811
    category = services.category_create(
        actor=users.committee_admin, org=tree.committee, name="综合管理类"
    )
    services.units_place(actor=users.committee_admin, category=category, units=[tree.unit])
    round_.participants.filter(org=tree.unit).update(category=category)
    values["meetings.compliance"] = {tree.unit.pk: Decimal("100")}
    preliminary(users, round_)
    lines = paragraphs(notice.round_notice(actor=users.committee_admin, round_=round_)[0])
    assert "（初步结果，征求意见稿）" in lines
    assert "（一）综合管理类" in lines and "（二）未分类" in lines
    assert not any(line.startswith("经研究") for line in lines)  # nobody named yet


def test_the_notice_waits_for_the_results(users, round_, login):  # noqa: F811
    rounds.round_open(actor=users.committee_admin, round_=round_)
    with pytest.raises(ApplicationError, match="初步结果公示后"):
        notice.round_notice(actor=users.committee_admin, round_=round_)
    client = login(users.committee_admin)
    response = client.get(f"/assessment/rounds/{round_.id}/notice/")
    assert response.status_code == 302 and response.url == f"/assessment/rounds/{round_.id}/"
    assert "/notice/" not in client.get(f"/assessment/rounds/{round_.id}/").content.decode()
    assert not AuditLog.objects.filter(action="assessment.notice").exists()


@pytest.mark.parametrize(
    ("user", "status"), [("unit_admin", 403), ("leader", 403), ("secretary", 403)]
)
def test_only_those_who_run_the_round_take_the_notice(users, round_, login, user, status):  # noqa: F811
    preliminary(users, round_)
    client = login(getattr(users, user))
    assert client.get(f"/assessment/rounds/{round_.id}/notice/").status_code == status
    assert "/notice/" not in client.get(f"/assessment/rounds/{round_.id}/").content.decode()
    with pytest.raises(PermissionDenied):
        notice.round_notice(actor=getattr(users, user), round_=round_)


def test_a_draft_round_notice_is_not_found_outside(users, round_, login):  # noqa: F811
    assert login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/notice/").status_code == 404
    assert login(users.outsider).get(f"/assessment/rounds/{round_.id}/notice/").status_code == 404


def test_the_round_page_offers_the_notice_to_its_runners(users, round_, login):  # noqa: F811
    preliminary(users, round_)
    page = login(users.committee_admin).get(f"/assessment/rounds/{round_.id}/").content.decode()
    assert f"/assessment/rounds/{round_.id}/notice/" in page
