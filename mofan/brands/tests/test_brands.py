"""党建品牌 services: the review, recognition in numbered batches, one active brand per org
(the service's message and the database constraint), revocation, who may act."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mofan.brands.models import Batch, Brand, Status, chinese_number
from mofan.brands.services import brands as services
from mofan.brands.tests.conftest import BRAND, batch_of, brand_draft, brand_passed
from mofan.core.errors import ApplicationError
from mofan.notifications.models import Notification


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_an_org_applies_its_unit_reviews_and_the_committee_hears(users, tree):
    brand = brand_draft(users.secretary, tree.branch)
    services.brand_submit(actor=users.secretary, brand=brand)
    assert "发改委第一党支部申报党建品牌“红色引擎”，请审核" in inbox(users.unit_admin)
    with pytest.raises(PermissionDenied):
        services.brand_unit_pass(actor=users.secretary, brand=brand)
    with pytest.raises(PermissionDenied):
        services.brand_unit_pass(actor=users.outsider, brand=brand)
    services.brand_unit_pass(actor=users.unit_admin, brand=brand, note="同意上报")
    assert "党建品牌“红色引擎”已通过单位审核，待认定" in inbox(users.committee_admin)


def test_the_committee_recognises_in_numbered_batches(users, tree):
    first = brand_passed(users, tree.branch)
    second = brand_passed(users, tree.other_branch, submitter=users.outsider, name="先锋港湾")
    with pytest.raises(PermissionDenied):
        batch_of(users, tree, [first], actor=users.unit_admin, note="x")
    batch = batch_of(users, tree, [first], note="市直机关工委〔2026〕8 号")
    later = batch_of(users, tree, [second], on=date(2026, 9, 1), note="9 号")
    assert (str(batch), str(later)) == ("第一批", "第二批")
    first.refresh_from_db()
    assert first.status == Status.RECOGNISED and first.recognised_on == date(2026, 6, 1)
    assert "党建品牌“红色引擎”已认定（第一批）" in inbox(users.secretary)


def test_a_batch_takes_only_brands_that_passed_their_unit(users, tree):
    brand = brand_draft(users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="不是待认定的品牌申报"):
        batch_of(users, tree, [brand], note="x")
    with pytest.raises(ApplicationError, match="请填写认定决定"):
        batch_of(users, tree, [brand], note="")
    assert not Batch.objects.exists()


def test_one_active_brand_per_org(users, tree):
    brand = brand_draft(users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="一组织一品牌"):
        brand_draft(users.secretary, tree.branch, name="第二个品牌")
    services.brand_submit(actor=users.secretary, brand=brand)
    services.brand_unit_pass(actor=users.unit_admin, brand=brand)
    services.brand_reject(actor=users.committee_admin, brand=brand, reason="特色不鲜明")
    again = brand_draft(users.secretary, tree.branch, name="第二个品牌")
    assert again.status == Status.DRAFT


def test_the_database_keeps_one_active_brand_per_org_too(users, tree):
    brand_draft(users.secretary, tree.branch)
    with pytest.raises(IntegrityError), transaction.atomic():
        Brand.objects.create(org=tree.branch, **BRAND)


def test_a_recognised_brand_is_revoked_with_a_reason_and_the_org_may_apply_again(users, tree):
    brand = brand_passed(users, tree.branch)
    batch_of(users, tree, [brand])
    with pytest.raises(PermissionDenied):
        services.brand_revoke(actor=users.unit_admin, brand=brand, reason="x")
    with pytest.raises(ApplicationError, match="请填写撤销原因"):
        services.brand_revoke(actor=users.committee_admin, brand=brand, reason="")
    services.brand_revoke(actor=users.committee_admin, brand=brand, reason="品牌活动停止")
    brand.refresh_from_db()
    assert brand.status == Status.REVOKED and brand.revoked_on == date(2026, 10, 15)
    assert brand_draft(users.secretary, tree.branch, name="新品牌").pk


def test_returned_brands_are_edited_and_submitted_drafts_are_not(users, tree):
    brand = brand_draft(users.secretary, tree.branch)
    services.brand_submit(actor=users.secretary, brand=brand)
    with pytest.raises(ApplicationError, match="已提交的品牌申报不能修改"):
        services.brand_update(actor=users.secretary, brand=brand, name="改名")
    services.brand_return(actor=users.unit_admin, brand=brand, reason="成效不具体")
    assert "党建品牌“红色引擎”被退回：成效不具体" in inbox(users.secretary)
    services.brand_update(actor=users.secretary, brand=brand, results="服务群众 1200 人次")
    brand.refresh_from_db()
    assert brand.results == "服务群众 1200 人次" and brand.status == Status.RETURNED


def test_a_committee_or_a_party_group_does_not_apply(users, tree):
    with pytest.raises(ApplicationError, match="党建品牌由"):
        brand_draft(users.committee_admin, tree.committee)
    with pytest.raises(ApplicationError, match="党建品牌由"):
        brand_draft(users.secretary, tree.group)
    with pytest.raises(PermissionDenied):
        brand_draft(users.member, tree.branch)


def test_batch_numbers_read_in_chinese():
    assert [chinese_number(n) for n in (1, 9, 10, 12, 20, 23)] == [
        "一",
        "九",
        "十",
        "十二",
        "二十",
        "二十三",
    ]
