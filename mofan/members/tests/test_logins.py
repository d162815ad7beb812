"""Members as users: accounts in bulk for a branch or selected members (username by the
committee admin's rule, random first password to change at first login, member grant on the
branch), the sheet of first passwords downloaded once and audited, the rule page, the API."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from mofan.accounts.models import Grant, User
from mofan.accounts.validators import LengthAndVarietyValidator, NotUsernameValidator
from mofan.core.access import SYSTEM, Role
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members import crypto
from mofan.members.lifecycle import member_set_status
from mofan.members.logins import (
    login_rule_get,
    login_rule_update,
    login_sheet_download,
    member_logins_create,
)
from mofan.members.models import LoginSheet, Member, Status, UsernameSource
from mofan.site.tests.factories import make_user


def text(response):
    return response.content.decode()


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]]


@pytest.fixture
def branch_members(tree, make_member):
    return [
        make_member(tree.branch, name="甲", phone="13800000001"),
        make_member(tree.branch, name="乙", phone=""),
        make_member(tree.branch, name="丙", phone="13800000003"),
    ]


# --- the service ---------------------------------------------------------------------------


def test_it_creates_accounts_with_a_member_grant_and_a_forced_password_change(
    tree, users, branch_members
):
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    assert sheet.created_count == 3
    for member in Member.objects.filter(pk__in=[m.pk for m in branch_members]):
        user = member.user
        assert user.username == f"dy{member.pk:06d}"
        assert user.name == member.name
        assert user.must_change_password and user.is_active
        assert list(user.grants.values_list("role", "org")) == [(Role.MEMBER, tree.branch.pk)]
    assert AuditLog.objects.filter(action="member.logins_create", user=users.secretary).exists()
    assert AuditLog.objects.filter(action="user.bulk_create").exists()


def test_it_keeps_the_first_passwords_encrypted_for_one_download(tree, users, branch_members):
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    assert "13800000001" not in sheet.content_cipher and "甲" not in sheet.content_cipher
    rows = json.loads(crypto.decrypt(sheet.content_cipher))
    for name, _, username, password in rows:
        user = User.objects.get(username=username)
        assert user.check_password(password), name
        LengthAndVarietyValidator().validate(password, user)
        NotUsernameValidator().validate(password, user)

    export = login_sheet_download(actor=users.secretary, sheet=sheet)
    buffer = io.BytesIO()
    export.workbook.save(buffer)
    assert [row[:4] for row in sheet_rows(buffer.getvalue())] == [list(r) for r in rows]
    sheet.refresh_from_db()
    assert sheet.content_cipher == "" and sheet.downloaded_at is not None
    assert AuditLog.objects.filter(action="member.logins_download").count() == 1
    with pytest.raises(ApplicationError, match="已下载过"):
        login_sheet_download(actor=users.secretary, sheet=sheet)


def test_it_lets_only_the_creator_download_the_sheet(tree, users, branch_members):
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    with pytest.raises(PermissionDenied):
        login_sheet_download(actor=users.unit_admin, sheet=sheet)
    assert LoginSheet.objects.get().is_downloadable


def test_it_skips_and_reports_members_who_already_have_an_account(
    tree, users, branch_members, link
):
    link(branch_members[0], users.member)
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    assert sheet.created_count == 2
    assert sheet.skipped == [
        {"member_id": branch_members[0].pk, "name": "甲", "reason": "已有账号"}
    ]
    assert Member.objects.get(pk=branch_members[0].pk).user == users.member
    again = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    assert again.created_count == 0 and len(again.skipped) == 3
    assert not again.is_downloadable


def test_it_names_accounts_by_phone_when_the_committee_admin_says_so(tree, users, branch_members):
    login_rule_update(actor=users.committee_admin, username_source="phone", code_prefix="dy")
    make_user(Role.MEMBER, tree.branch, "13800000003")  # somebody already has that login
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    assert sheet.created_count == 1
    assert Member.objects.get(name="甲").user.username == "13800000001"
    reasons = {s["name"]: s["reason"] for s in sheet.skipped}
    assert "手机号码" in reasons["乙"]
    assert "已被其他账号使用" in reasons["丙"]


def test_it_skips_members_who_left_the_roll(tree, users, branch_members):
    member_set_status(
        actor=SYSTEM,
        member=branch_members[1],
        status=Status.DECEASED,
        on=branch_members[1].joined_on,
        reason="病故",
    )
    member = Member.objects.get(pk=branch_members[1].pk)
    sheet = member_logins_create(actor=users.secretary, members=[member], org=None)
    assert sheet.created_count == 0
    assert sheet.skipped[0]["reason"] == "已去世"


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_refuses_accounts_for_members_the_actor_does_not_record(users, branch_members, who):
    with pytest.raises(PermissionDenied):
        member_logins_create(actor=getattr(users, who), members=branch_members)
    assert not User.objects.filter(username__startswith="dy").exists()
    assert not LoginSheet.objects.exists()


def test_it_refuses_an_empty_selection(users):
    with pytest.raises(ApplicationError, match="请选择"):
        member_logins_create(actor=users.secretary, members=[])


def test_only_the_committee_admin_sets_the_rule(users):
    for who in ("unit_admin", "secretary", "leader"):
        with pytest.raises(PermissionDenied):
            login_rule_update(actor=getattr(users, who), username_source="phone", code_prefix="dy")
    with pytest.raises(ApplicationError, match="小写英文字母"):
        login_rule_update(actor=users.committee_admin, username_source="code", code_prefix="D1")
    rule = login_rule_update(actor=users.committee_admin, username_source="code", code_prefix="jg")
    assert login_rule_get().pk == rule.pk and rule.code_prefix == "jg"
    assert AuditLog.objects.filter(action="member.login_rule").count() == 1


# --- the pages -----------------------------------------------------------------------------


def test_it_creates_a_branchs_accounts_from_the_member_list_after_confirmation(
    tree, users, branch_members, login
):
    client = login(users.secretary)
    listing = text(client.get(f"/members/?org={tree.branch.id}"))
    assert f"/members/logins/new/?org={tree.branch.id}" in listing
    confirm = client.get(f"/members/logins/new/?org={tree.branch.id}")
    assert confirm.status_code == 200
    assert f"dy{branch_members[0].pk:06d}" in text(confirm)
    assert not User.objects.filter(username__startswith="dy").exists()  # GET writes nothing

    response = client.post("/members/logins/new/", {"org": tree.branch.id})
    sheet = LoginSheet.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/members/logins/{sheet.id}/"
    assert "仅可下载一次" in text(client.get(response["Location"]))

    download = client.post(f"/members/logins/{sheet.id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(sheet_rows(download.content)) == 3
    again = client.post(f"/members/logins/{sheet.id}/download/", follow=True)
    assert "已下载过" in text(again)
    assert AuditLog.objects.filter(action="member.logins_download").count() == 1


def test_it_creates_accounts_for_members_selected_on_the_list(tree, users, branch_members, login):
    client = login(users.unit_admin)
    chosen = [branch_members[0].id, branch_members[2].id]
    confirm = client.get("/members/logins/new/", {"member": chosen})
    assert "为 2 名党员开通账号" in text(confirm)
    client.post("/members/logins/new/", {"member": chosen})
    assert Member.objects.filter(user__isnull=False).count() == 2
    assert LoginSheet.objects.get().org is None


def test_it_answers_404_to_an_outsider_and_403_to_read_only_users(
    tree, users, branch_members, login
):
    outsider = login(users.outsider)
    assert outsider.get(f"/members/logins/new/?org={tree.branch.id}").status_code == 404
    assert outsider.post("/members/logins/new/", {"org": tree.branch.id}).status_code == 404
    assert (
        outsider.get("/members/logins/new/", {"member": [branch_members[0].id]}).status_code == 404
    )
    for who in ("leader", "member"):
        client = login(getattr(users, who))
        assert client.get(f"/members/logins/new/?org={tree.branch.id}").status_code == 403
        assert client.post("/members/logins/new/", {"org": tree.branch.id}).status_code == 403
        assert client.get("/members/logins/").status_code == 403
    assert not LoginSheet.objects.exists()


def test_it_hides_a_sheet_from_everyone_but_its_creator(tree, users, branch_members, login):
    sheet = member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    for who in ("outsider", "unit_admin", "committee_admin"):
        client = login(getattr(users, who))
        assert client.get(f"/members/logins/{sheet.id}/").status_code == 404
        assert client.post(f"/members/logins/{sheet.id}/download/").status_code == 404
    assert LoginSheet.objects.get().is_downloadable


def test_it_lists_the_creators_sheets(tree, users, branch_members, login):
    member_logins_create(actor=users.secretary, members=branch_members, org=tree.branch)
    page = text(login(users.secretary).get("/members/logins/"))
    assert tree.branch.name in page and "待下载" in page
    assert tree.branch.name not in text(login(users.unit_admin).get("/members/logins/"))


def test_the_rule_page_is_for_the_committee_admin_and_keeps_typed_values(users, login):
    assert login(users.unit_admin).get("/members/logins/rule/").status_code == 403
    client = login(users.committee_admin)
    response = client.post(
        "/members/logins/rule/", {"username_source": "code", "code_prefix": "X9"}
    )
    assert response.status_code == 200
    assert "小写英文字母" in text(response) and 'value="X9"' in text(response)
    response = client.post(
        "/members/logins/rule/", {"username_source": "phone", "code_prefix": "dy"}
    )
    assert response.status_code == 302
    assert login_rule_get().username_source == UsernameSource.PHONE


# --- the API -------------------------------------------------------------------------------


def test_the_api_creates_accounts_and_downloads_the_sheet_once(tree, users, branch_members, api):
    client = api(users.secretary)
    response = client.post(
        "/api/v1/members/logins", {"org_id": tree.branch.id}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created_count"] == 3 and body["downloadable"]
    download = client.post(f"/api/v1/members/logins/{body['id']}/download")
    assert download.status_code == 200
    assert len(sheet_rows(download.content)) == 3
    again = client.post(f"/api/v1/members/logins/{body['id']}/download")
    assert again.status_code == 400 and "已下载过" in again.json()["detail"]


def test_the_api_reports_skipped_members(tree, users, branch_members, api, link):
    link(branch_members[1], users.member)
    response = api(users.secretary).post(
        "/api/v1/members/logins",
        {"member_ids": [m.id for m in branch_members]},
        content_type="application/json",
    )
    assert response.json()["skipped"] == [
        {"member_id": branch_members[1].id, "name": "乙", "reason": "已有账号"}
    ]


def test_the_api_answers_404_403_and_400(tree, users, branch_members, api):
    post = lambda who, data: api(getattr(users, who)).post(  # noqa: E731
        "/api/v1/members/logins", data, content_type="application/json"
    )
    assert post("outsider", {"org_id": tree.branch.id}).status_code == 404
    assert post("outsider", {"member_ids": [branch_members[0].id]}).status_code == 404
    assert post("leader", {"org_id": tree.branch.id}).status_code == 403
    bad = post("secretary", {})
    assert bad.status_code == 400 and "org_id" in bad.json()["detail"]
    assert not Grant.objects.filter(user__username__startswith="dy").exists()
