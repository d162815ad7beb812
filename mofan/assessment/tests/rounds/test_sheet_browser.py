"""A unit's quarterly self-assessment on a 375 px phone: nothing wider than the screen, an
evidence file attached, the report submitted after the confirm dialog."""

import pytest
from playwright.sync_api import expect

from mofan.assessment.tests.rounds.test_quarterly import media, quarter  # noqa: F401
from mofan.site.tests.browser.conftest import *  # noqa: F403
from mofan.site.tests.factories import PDF

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_a_unit_self_assesses_on_a_phone(new_page, log_in, users, tree, quarter, tmp_path):  # noqa: F811
    page = new_page(viewport=PHONE)
    log_in(page, users.unit_admin)
    page.goto(f"/assessment/rounds/{quarter.id}/?org={tree.unit.pk}")
    expect(page.get_by_text("尚未提交自评")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    evidence = tmp_path / "季度工作报告.pdf"
    evidence.write_bytes(PDF)
    page.locator('input[type="file"]').first.set_input_files(str(evidence))
    page.get_by_role("button", name="上传", exact=True).first.click()
    expect(page.get_by_role("link", name="季度工作报告.pdf")).to_be_visible()
    page.get_by_role("button", name="提交自评", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="确定").click()
    expect(page.get_by_text("已提交自评").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
