"""The pages: who sees what (404 outside the sub-tree), who may act (403), the prerequisites
and why a branch cannot submit, forms that keep what was typed, the queues' fixed query count,
the recognised lists, the showcase and the exports."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from mofan.brands.forms import criterion_initial
from mofan.brands.models import Application, Brand, Status
from mofan.brands.services import brands as brand_services
from mofan.brands.services import four_strong
from mofan.brands.tests.conftest import EVALUATION, YEAR, batch_of, brand_draft, brand_passed, draft
from mofan.site.tests.factories import PDF


def text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


def test_the_start_page_lists_the_calls_and_only_the_committee_opens_one(call, users, login):
    page = text(login(users.secretary).get("/brands/"))
    assert call.title in page and "发起年度申报" not in page
    assert "发起年度申报" in text(login(users.committee_admin).get("/brands/"))
    assert login(users.secretary).get("/brands/calls/new/").status_code == 403


def test_the_committee_opens_a_call_from_the_form(users, login, records):
    client = login(users.committee_admin)
    response = client.post(
        "/brands/calls/new/",
        {
            "year": "2027",
            "min_compliance": "85",
            "negative_list": "受到党纪处分",
            "criterion_0": "第一议题",
        },
    )
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "2027年度“四强”党支部创建" in page and "第一议题" in page and "不低于 85.0%" in page


def test_the_call_form_keeps_what_was_typed_on_error(call, users, login):
    response = login(users.committee_admin).post(
        "/brands/calls/new/",
        {"year": str(YEAR), "min_compliance": "80", "negative_list": "我的清单"},
    )
    assert response.status_code == 200
    assert "已有四强党支部创建申报" in text(response) and "我的清单" in text(response)


def test_only_the_committee_edits_or_closes_a_call(call, users, login):
    assert login(users.unit_admin).get(f"/brands/calls/{call.id}/edit/").status_code == 403
    assert login(users.unit_admin).post(f"/brands/calls/{call.id}/close/").status_code == 403
    client = login(users.committee_admin)
    assert client.get(f"/brands/calls/{call.id}/edit/").status_code == 200
    client.post(f"/brands/calls/{call.id}/close/")
    call.refresh_from_db()
    assert not call.is_open


def test_a_secretary_sees_the_prerequisites_of_the_branch_before_applying(
    call, users, tree, login, records
):
    records.compliance[tree.branch.pk] = (10, 20)
    page = text(login(users.secretary).get(f"/brands/calls/{call.id}/"))
    assert "发改委第一党支部：申报条件" in page and "50.0%" in page and "不符合" in page
    assert "meetings.compliance" in page
    assert "发改委第二党支部：申报条件" not in page


def test_a_branch_applies_with_evidence_and_then_submits(call, users, tree, login):
    client = login(users.secretary)
    data = {**criterion_initial(EVALUATION), "negative": ["0", "1"]}
    data["files"] = SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/brands/calls/{call.id}/apply/?org={tree.branch.id}", data)
    application = Application.objects.get()
    assert response.url == f"/brands/applications/{application.id}/"
    page = text(client.get(response.url))
    assert "台账.pdf" in page and "提交申报" in page
    file_id = application.files.get().id
    assert client.get(f"/brands/applications/files/{file_id}/").status_code == 200
    assert login(users.outsider).get(f"/brands/applications/files/{file_id}/").status_code == 404
    client = login(users.secretary)
    client.post(f"/brands/applications/{application.id}/step/", {"action": "submit"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_the_application_form_keeps_what_was_typed_on_error(call, users, tree, login):
    draft(call, users.secretary, tree.branch)
    response = login(users.secretary).post(
        f"/brands/calls/{call.id}/apply/?org={tree.branch.id}", {"criterion_0": "我写的自评"}
    )
    assert response.status_code == 200
    assert "已申报" in text(response) and "我写的自评" in text(response)


def test_a_branch_failing_a_prerequisite_sees_why_and_no_submit_button(
    call, users, tree, login, records
):
    application = draft(call, users.secretary, tree.branch)
    records.vetoes[tree.branch.pk] = 2
    client = login(users.secretary)
    page = text(client.get(f"/brands/applications/{application.id}/"))
    assert "不符合申报条件" in page and "2 项" in page and 'value="submit"' not in page
    response = client.post(
        f"/brands/applications/{application.id}/step/", {"action": "submit"}, follow=True
    )
    assert any("不符合申报条件" in m for m in flash(response))


def test_a_missing_fact_shows_as_unverified_on_the_page(call, users, tree, login, records):
    records.missing("assessment.vetoes")
    application = draft(call, users.secretary, tree.branch)
    page = text(login(users.secretary).get(f"/brands/applications/{application.id}/"))
    assert "未能核验" in page and 'value="submit"' in page


@pytest.mark.parametrize("who", ["leader", "member"])
def test_a_draft_is_seen_only_by_those_who_may_write_it(call, users, tree, login, who):
    application = draft(call, users.secretary, tree.branch)
    page = f"/brands/applications/{application.id}/"
    assert login(getattr(users, who)).get(page).status_code == 404
    four_strong.application_submit(actor=users.secretary, application=application)
    assert login(getattr(users, who)).get(page).status_code == 200


def test_an_outsider_sees_no_application_of_another_branch(submitted, users, login):
    assert login(users.outsider).get(f"/brands/applications/{submitted.id}/").status_code == 404
    assert (
        login(users.outsider).get(f"/brands/applications/{submitted.id}/edit/").status_code == 404
    )
    assert login(users.unit_admin).get(f"/brands/applications/{submitted.id}/").status_code == 200


def test_a_step_the_user_may_not_take_is_refused(submitted, users, login):
    response = login(users.leader).post(
        f"/brands/applications/{submitted.id}/step/", {"action": "unit_pass"}
    )
    assert response.status_code == 403
    response = login(users.outsider).post(
        f"/brands/applications/{submitted.id}/step/", {"action": "unit_pass"}
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_unit_and_committee_review_from_the_page(submitted, users, login):
    client = login(users.unit_admin)
    page = text(client.get(f"/brands/applications/{submitted.id}/"))
    assert "审核通过，报机关工委" in page and "data-confirm" in page
    client.post(
        f"/brands/applications/{submitted.id}/step/", {"action": "unit_pass", "reason": "同意"}
    )
    client = login(users.committee_admin)
    response = client.post(
        f"/brands/applications/{submitted.id}/step/", {"action": "reject"}, follow=True
    )
    assert "请填写不予认定的原因" in flash(response)
    client.post(f"/brands/applications/{submitted.id}/step/", {"action": "recognise"})
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOGNISED


def test_the_queue_waits_for_the_user_and_filters_by_state(call, users, tree, login, records):
    for user, org in ((users.secretary, tree.branch), (users.outsider, tree.other_branch)):
        four_strong.application_submit(actor=user, application=draft(call, user, org))
    unit = text(login(users.unit_admin).get("/brands/applications/"))
    assert "发改委第一党支部" in unit and "发改委第二党支部" in unit
    committee = text(login(users.committee_admin).get("/brands/applications/"))
    assert "发改委第一党支部" not in committee  # waits for the unit, not for the committee
    everything = text(login(users.committee_admin).get("/brands/applications/?status="))
    assert "发改委第一党支部" in everything
    assert "发改委第二党支部" not in text(
        login(users.secretary).get("/brands/applications/?status=")
    )


def test_the_queue_costs_the_same_for_more_rows(
    call, users, tree, login, django_assert_max_num_queries, records
):
    from mofan.orgs.models import OrgType
    from mofan.site.tests.factories import make_org

    client = login(users.committee_admin)
    for index in range(12):
        branch = make_org(tree.unit, OrgType.BRANCH, f"新支部{index}")
        records.good(branch)
        application = draft(call, users.unit_admin, branch)
        four_strong.application_submit(actor=users.unit_admin, application=application)
    with django_assert_max_num_queries(8):
        page = text(client.get("/brands/applications/?status=submitted"))
    assert page.count("新支部") == 12


def test_the_recognised_list_by_year_and_its_export(recognised, users, login):
    client = login(users.member)
    page = text(client.get("/brands/recognised/"))
    assert f"{YEAR}年度（1 个）" in page and "发改委第一党支部" in page
    response = login(users.committee_admin).get(f"/brands/recognised/?year={YEAR}&export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ("年度", "党支部") and rows[2][:2] == (YEAR, "发改委第一党支部")
    assert "发改委第一党支部" not in text(
        login(users.member).get(f"/brands/recognised/?year={YEAR - 1}")
    )


def test_a_brand_is_applied_for_on_the_form_and_one_per_org(users, tree, login):
    client = login(users.secretary)
    data = {
        "org": tree.branch.id,
        "name": "红色引擎",
        "description": "内涵",
        "measures": "举措",
        "results": "成效",
    }
    response = client.post("/brands/brands/new/", data)
    brand = Brand.objects.get()
    assert response.url == f"/brands/brands/{brand.id}/"
    response = client.post("/brands/brands/new/", {**data, "name": "第二品牌"})
    assert "一组织一品牌" in text(response) and "第二品牌" in text(response)
    assert login(users.outsider).get(f"/brands/brands/{brand.id}/").status_code == 404
    assert login(users.member).get("/brands/brands/new/").status_code == 403


def test_brand_steps_from_the_page_and_outsiders(users, tree, login):
    brand = brand_draft(users.secretary, tree.branch)
    brand_services.brand_submit(actor=users.secretary, brand=brand)
    assert (
        login(users.outsider)
        .post(f"/brands/brands/{brand.id}/step/", {"action": "unit_pass"})
        .status_code
        == 404
    )
    assert (
        login(users.leader)
        .post(f"/brands/brands/{brand.id}/step/", {"action": "unit_pass"})
        .status_code
        == 403
    )
    login(users.unit_admin).post(f"/brands/brands/{brand.id}/step/", {"action": "unit_pass"})
    brand.refresh_from_db()
    assert brand.status == Status.UNIT_PASSED


def test_the_committee_recognises_a_batch_and_the_showcase_shows_it(users, tree, login):
    first = brand_passed(users, tree.branch)
    brand_passed(users, tree.other_branch, submitter=users.outsider, name="先锋港湾")
    assert login(users.unit_admin).get("/brands/batches/").status_code == 403
    client = login(users.committee_admin)
    assert "先锋港湾" in text(client.get("/brands/batches/"))
    response = client.post(
        "/brands/batches/", {"brand": [first.id], "decided_on": "2026-06-01", "note": "8 号"}
    )
    assert response.url == "/brands/showcase/"
    page = text(login(users.member).get("/brands/showcase/"))
    assert "第一批" in page and "红色引擎" in page and "先锋港湾" not in page
    assert "共申报党建品牌 <b>2</b> 个，认定 <b>1</b> 个" in page
    response = login(users.member).get("/brands/showcase/?export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["红色引擎"]


def test_a_batch_form_error_keeps_the_ticked_brands(users, tree, login):
    first = brand_passed(users, tree.branch)
    response = login(users.committee_admin).post(
        "/brands/batches/", {"brand": [first.id], "decided_on": "2026-06-01", "note": ""}
    )
    assert response.status_code == 200 and "checked" in text(response)


def test_the_brand_queue_costs_the_same_for_more_rows(
    users, tree, login, django_assert_max_num_queries
):
    from mofan.orgs.models import OrgType
    from mofan.site.tests.factories import make_org

    for index in range(12):
        branch = make_org(tree.unit, OrgType.BRANCH, f"品牌支部{index}")
        brand = brand_draft(users.unit_admin, branch, name=f"品牌{index}")
        brand_services.brand_submit(actor=users.unit_admin, brand=brand)
    client = login(users.unit_admin)
    with django_assert_max_num_queries(8):
        page = text(client.get("/brands/brands/"))
    assert page.count("品牌支部") == 12


def test_the_menu_entry_is_there(users, login):
    assert "四强党支部与党建品牌" in text(login(users.member).get("/brands/showcase/"))


def test_a_phone_gets_the_card_layout(users, tree, login):
    brand = brand_passed(users, tree.branch)
    batch_of(users, tree, [brand])
    page = text(login(users.member).get("/brands/showcase/"))
    assert 'class="col-12 col-md-6 col-xl-4"' in page


def test_the_edit_pages_show_what_was_saved_and_a_submitted_one_is_not_edited(
    call, users, tree, login
):
    application = draft(call, users.secretary, tree.branch)
    brand = brand_draft(users.secretary, tree.branch)
    client = login(users.secretary)
    assert EVALUATION["政治建设强"] in text(
        client.get(f"/brands/applications/{application.id}/edit/")
    )
    assert "以党建引领业务发展" in text(client.get(f"/brands/brands/{brand.id}/edit/"))
    four_strong.application_submit(actor=users.secretary, application=application)
    response = client.get(f"/brands/applications/{application.id}/edit/", follow=True)
    assert "已提交的申报不能修改" in flash(response)
    assert login(users.outsider).get(f"/brands/brands/{brand.id}/edit/").status_code == 404


def _recognised_last_year(users, tree, branches):
    last = four_strong.call_create(actor=users.committee_admin, org=tree.committee, year=YEAR - 1)
    for branch in branches:
        application = draft(last, users.committee_admin, branch)
        four_strong.application_submit(
            actor=users.committee_admin, application=application, on=date(YEAR - 1, 5, 1)
        )
        four_strong.application_unit_pass(actor=users.committee_admin, application=application)
        four_strong.application_recognise(
            actor=users.committee_admin, application=application, on=date(YEAR - 1, 7, 1)
        )
    return last


def test_the_committee_sees_this_years_records_of_each_title_held(users, tree, login, records):
    _recognised_last_year(users, tree, [tree.branch])
    records.vetoes[tree.branch.pk] = 1
    page = text(login(users.committee_admin).get("/brands/recognised/"))
    assert f"{YEAR}年记录核验" in page and f"{YEAR}年无一票否决事项" in page and "1 项" in page
    assert "复核或撤销" in page
    assert f"{YEAR}年记录核验" not in text(login(users.member).get("/brands/recognised/"))


def test_the_recognised_list_costs_the_same_for_more_titles(
    users, tree, login, records, django_assert_max_num_queries
):
    from mofan.orgs.models import OrgType
    from mofan.site.tests.factories import make_org

    branches = [make_org(tree.unit, OrgType.BRANCH, f"四强支部{i}") for i in range(8)]
    records.good(*branches)
    _recognised_last_year(users, tree, branches)
    client = login(users.committee_admin)
    with django_assert_max_num_queries(14):
        page = text(client.get("/brands/recognised/"))
    assert page.count("四强支部") == 8


def test_each_line_of_the_negative_list_is_confirmed_on_its_own(call, users, tree, login):
    client = login(users.secretary)
    data = {**criterion_initial(EVALUATION), "negative": ["0"]}
    page = text(client.get(f"/brands/calls/{call.id}/apply/?org={tree.branch.id}"))
    assert "不存在：班子成员受到党纪处分" in page and "不存在：发生重大安全责任事故" in page
    client.post(f"/brands/calls/{call.id}/apply/?org={tree.branch.id}", data)
    application = Application.objects.get()
    assert not application.negative_confirmed
    response = client.post(
        f"/brands/applications/{application.id}/step/", {"action": "submit"}, follow=True
    )
    assert "请逐条对照负面清单，确认不存在所列情形" in flash(response)
    client.post(f"/brands/applications/{application.id}/edit/", {**data, "negative": ["0", "1"]})
    application.refresh_from_db()
    assert application.negative_confirmed
    edit = text(client.get(f"/brands/applications/{application.id}/edit/"))
    assert 'value="0" id="id_negative_0" checked' in edit
    assert 'value="1" id="id_negative_1" checked' in edit


def test_the_call_page_and_the_showcase_cost_the_same_for_more_rows(
    call, users, tree, login, records, django_assert_max_num_queries
):
    from mofan.orgs.models import OrgType
    from mofan.site.tests.factories import make_org

    brands = []
    for index in range(10):
        branch = make_org(tree.unit, OrgType.BRANCH, f"多行支部{index}")
        records.good(branch)
        four_strong.application_submit(
            actor=users.unit_admin, application=draft(call, users.unit_admin, branch)
        )
        brands.append(brand_passed(users, branch, submitter=users.unit_admin, name=f"品牌{index}"))
    batch_of(users, tree, brands)
    client = login(users.committee_admin)
    with django_assert_max_num_queries(10):
        page = text(client.get(f"/brands/calls/{call.id}/"))
    assert page.count("多行支部") == 10
    with django_assert_max_num_queries(10):
        page = text(client.get("/brands/showcase/"))
    assert page.count("多行支部") == 10


def test_the_committee_rechecks_and_revokes_a_title_from_the_page(recognised, users, login):
    client = login(users.committee_admin)
    url = f"/brands/applications/{recognised.id}/step/"
    response = client.post(url, {"action": "nonsense"}, follow=True)
    assert flash(response) == ["未知的操作"]
    response = client.post(url, {"action": "recheck", "year": "", "reason": "保持"}, follow=True)
    assert "复核年度应晚于认定年度" in flash(response)
    response = client.post(
        url, {"action": "recheck", "year": str(YEAR + 1), "reason": "保持"}, follow=True
    )
    assert flash(response) == ["已记录年度复核"]
    assert list(recognised.rechecks.values_list("year", flat=True)) == [YEAR + 1]
    response = client.post(url, {"action": "revoke", "reason": "发生违纪问题"}, follow=True)
    assert flash(response) == ["已撤销四强党支部称号"]
    recognised.refresh_from_db()
    assert recognised.status == Status.REVOKED


def test_a_brand_pdf_opens_in_the_browser_for_the_org_only(users, tree, login):
    upload = SimpleUploadedFile("品牌手册.pdf", PDF, content_type="application/pdf")
    brand = brand_draft(users.secretary, tree.branch, files=[upload])
    url = f"/brands/brands/files/{brand.files.get().id}/"
    response = login(users.secretary).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert login(users.outsider).get(url).status_code == 404
