"""The member form's script: sex and birth date follow the typed 公民身份号码, and the 党小组
list shows only the groups of the chosen branch."""

from datetime import date

import pytest
from playwright.sync_api import expect

from mofan.core.tests.org_select import choose_org
from mofan.members.tests.conftest import new_id_number
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

pytestmark = pytest.mark.browser


def test_it_fills_sex_and_birth_date_and_filters_groups(page, users, tree, log_in):
    make_org(tree.other_branch, OrgType.PARTY_GROUP, "第二支部党小组", code="G2")
    log_in(page, users.unit_admin)
    page.goto("/members/new/")

    page.get_by_label("公民身份号码").fill(new_id_number(date(1990, 2, 28), "female"))
    expect(page.get_by_label("性别")).to_have_value("female")
    expect(page.get_by_label("出生日期")).to_have_value("1990-02-28")

    groups = page.get_by_label("党小组")
    choose_org(page, "所在支部", "发改委第一党支部")
    expect(groups.locator("option:not([hidden])")).to_have_text(["—", "第一党小组"])
    choose_org(page, "所在支部", "发改委第二党支部")
    expect(groups.locator("option:not([hidden])")).to_have_text(["—", "第二支部党小组"])
