"""An assessment round from draft to naming, as its users see it (issue 11 §6): the committee
publishes the round, a unit fills in its self-assessment on a phone, the committee scores it,
publishes the preliminary results, closes the round and names the advanced unit."""

from datetime import date

import pytest
from playwright.sync_api import expect

from mofan.assessment import rounds, services
from mofan.assessment.models import Honour, HonourKind, RoundStatus, Target
from mofan.assessment.tests.conftest import GRADES, add_area, add_item
from mofan.site.tests.browser.conftest import PHONE
from mofan.site.tests.browser.flows import confirm, expect_flash, expect_no_sideways_scroll

pytestmark = pytest.mark.browser

NAVIGATION_MS = 30_000  # beside the whole suite on 2 shared cores


@pytest.fixture
def draft_round(users, tree):
    """A published scheme of one reviewed item of 100 points and a draft round of it."""
    admin = users.committee_admin
    scheme = services.scheme_create(
        actor=admin, org=tree.committee, name="模范机关创建考核", year=2026, target=Target.UNITS
    )
    area = add_area(scheme, admin, "服务人民", 100)
    item = add_item(scheme, admin, area, "服务群众", rule="reviewed", max_points=100)
    services.grades_set(actor=admin, scheme=scheme, grades=GRADES)
    services.scheme_publish(actor=admin, scheme=scheme)
    round_ = rounds.round_create(
        actor=admin,
        scheme=scheme,
        name="2026 年度考评",
        kind="annual",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    return round_, item


def opened(new_page, log_in, user, **options):
    page = new_page(**options)
    page.context.set_default_navigation_timeout(NAVIGATION_MS)
    return log_in(page, user)


def step(page, round_, button):
    page.goto(f"/assessment/rounds/{round_.id}/")
    confirm(page, lambda: page.get_by_role("button", name=button).click())
    page.wait_for_load_state()


def review(page, round_, item, org, points, reason):
    page.goto(f"/assessment/rounds/{round_.id}/?org={org.id}")
    page.locator(f"#review-{item.id}").fill(points)
    page.locator(f"#reason-{item.id}").fill(reason)
    page.get_by_role("button", name="保存评审").click()
    page.wait_for_load_state()


def test_a_round_runs_from_draft_to_naming_in_the_browser(
    new_page, log_in, users, tree, draft_round
):
    round_, item = draft_round
    admin = opened(new_page, log_in, users.committee_admin)
    step(admin, round_, "发布考核")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SELF

    unit = opened(new_page, log_in, users.unit_admin, viewport=PHONE)
    unit.goto(f"/assessment/rounds/{round_.id}/")
    unit.get_by_role("link", name=f"{tree.unit.name} 的考核表").click()
    unit.locator(f"#self-{item.id}").fill("95")
    unit.locator(f"#note-{item.id}").fill("开展志愿服务 12 次，群众满意度 98%")
    unit.get_by_role("button", name="保存自评").click()
    unit.wait_for_load_state()
    unit.goto(f"/assessment/rounds/{round_.id}/?org={tree.unit.id}")
    expect(unit.locator(f"#indicator-{item.id}")).to_contain_text("自评 95.00 分")
    expect_no_sideways_scroll(unit)

    step(admin, round_, "结束自评，开始评审")
    review(admin, round_, item, tree.unit, "93", "材料翔实")
    review(admin, round_, item, tree.far_unit, "70", "台账不全")
    step(admin, round_, "公示初步结果")
    admin.goto(f"/assessment/rounds/{round_.id}/")
    expect(admin.locator("table.results")).to_contain_text(tree.unit.name)
    step(admin, round_, "定档（冻结数据）")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.FINAL

    admin.goto(f"/assessment/rounds/{round_.id}/")
    admin.get_by_role("link", name="评选先进").click()
    proposed = admin.locator(f"input[name=org][value='{tree.unit.id}']")
    expect(proposed).to_be_checked()  # the top unit of its category, within the quota
    admin.get_by_label("命名决定（文号）").fill("市直机关工委〔2027〕1 号")
    admin.get_by_role("button", name="提交命名").click()
    admin.wait_for_load_state()
    expect_flash(admin, "命名")
    named = Honour.objects.filter(round=round_, kind=HonourKind.ADVANCED_UNIT)
    assert list(named.values_list("org_id", flat=True)) == [tree.unit.id]
    admin.goto("/assessment/honours/")
    expect(admin.locator("main")).to_contain_text(tree.unit.name)
