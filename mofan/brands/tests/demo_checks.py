"""What a user sees of the demo 四强党支部 and 党建品牌 (called by the site demo test after
`mofan demo`): this year's call with applications in every state, last year's recognised
branches with one revoked and one re-checked, brands in every state with two batches on the
showcase and its figures from the records, shuji's draft with its prerequisites."""

from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.brands.models import Application, Brand, Call, Status


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def check_demo_brands() -> None:
    year = timezone.localdate().year
    current, last = Call.objects.get(year=year), Call.objects.get(year=year - 1)
    states = set(current.applications.values_list("status", flat=True))
    assert states >= {Status.DRAFT, Status.SUBMITTED, Status.UNIT_PASSED, Status.RECOGNISED}
    assert Status.REJECTED in states and Status.RETURNED in states
    assert last.applications.filter(status=Status.REVOKED).count() == 1
    brand_states = set(Brand.objects.values_list("status", flat=True))
    assert brand_states == set(Status.values)

    admin = _client("admin")
    page = admin.get(f"/brands/calls/{current.id}/").content.decode()
    assert "待工委认定 2 个" in page and "已认定 3 个" in page
    queue = admin.get("/brands/applications/").content.decode()  # waiting for the committee
    assert queue.count("/brands/applications/") >= 2
    recognised = admin.get("/brands/recognised/").content.decode()
    assert (
        f"{year}年度（3 个）" in recognised and "已撤销" in recognised and "复核保持" in recognised
    )
    showcase = _client("dangyuan").get("/brands/showcase/").content.decode()
    applied = Brand.objects.filter(submitted_on__isnull=False).count()
    decided = Brand.objects.filter(recognised_on__isnull=False).count()
    assert f"共申报党建品牌 <b>{applied}</b> 个，认定 <b>{decided}</b> 个" in showcase
    assert "第一批" in showcase and "第二批" in showcase

    draft = Application.objects.get(call=current, org__code="SZJG-001-01")
    mine = _client("shuji").get(f"/brands/applications/{draft.id}/").content.decode()
    assert "前置条件（按当前记录）" in mine and "meetings.compliance" in mine
    assert _client("lingdao").get(f"/brands/applications/{draft.id}/").status_code == 404
