"""The member form (issue 10 §4): sex and birth date come from the 公民身份号码 when left blank
and must agree with it when given; the 党小组 must be under the chosen branch; the photo limit
is shown; control characters are refused; typed values are kept on every error."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.forms import CONTROL_MESSAGE
from mofan.members.forms import MemberForm
from mofan.members.models import Member
from mofan.members.tests.conftest import new_id_number
from mofan.orgs.models import Org, OrgType
from mofan.site.tests.factories import make_org

BORN = date(1985, 6, 15)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_data(org, **changes):
    data = {
        "name": "李四",
        "id_number": new_id_number(BORN, "female"),
        "sex": "",
        "ethnicity": "汉族",
        "birth_date": "",
        "category": "full",
        "org": str(org.id),
        "party_group": "",
        "joined_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "phone": "13800138000",
        "dues_category": "employed",
        "dues_base": "5400",
    }
    data.update(changes)
    return data


def text(response) -> str:
    return response.content.decode()


def test_it_takes_sex_and_birth_date_from_the_citizen_number_when_left_blank(tree, users, login):
    response = login(users.secretary).post("/members/new/", form_data(tree.branch))
    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.sex, member.birth_date) == ("female", BORN)


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("sex", "male", "性别与公民身份号码不一致（号码第 17 位表示女性）"),
        ("birth_date", "1985-06-16", "出生日期 1985-06-16 与公民身份号码中的 1985-06-15 不一致"),
    ],
)
def test_it_refuses_a_sex_or_birth_date_contradicting_the_number(
    tree, users, login, field, value, reason
):
    data = form_data(tree.branch, **{field: value}, name="赵六", phone="13912345678")
    response = login(users.secretary).post("/members/new/", data)
    page = text(response)
    assert response.status_code == 200
    assert reason in page
    assert 'value="赵六"' in page and 'value="13912345678"' in page
    assert f'value="{data["id_number"]}"' in page
    assert not Member.objects.exists()


def test_it_asks_for_sex_and_birth_date_when_editing_without_a_number(
    tree, users, login, make_member
):
    member = make_member(tree.branch, name="王五")
    data = form_data(tree.branch, id_number="", name="王五")
    response = login(users.secretary).post(f"/members/{member.pk}/edit/", data)
    page = text(response)
    assert response.status_code == 200
    assert "请填写性别，或填写公民身份号码由系统识别" in page
    assert "请填写出生日期，或填写公民身份号码由系统识别" in page


def test_it_refuses_a_party_group_of_another_branch(tree, users, login):
    other_group = make_org(tree.other_branch, OrgType.PARTY_GROUP, "第二支部党小组", code="G2")
    data = form_data(tree.branch, party_group=str(other_group.pk))
    response = login(users.unit_admin).post("/members/new/", data)
    page = text(response)
    assert response.status_code == 200
    assert "党小组“第二支部党小组”不属于发改委第一党支部，请重新选择" in page
    assert 'value="李四"' in page
    assert not Member.objects.exists()
    response = login(users.unit_admin).post(
        "/members/new/", form_data(tree.branch, party_group=str(tree.group.pk))
    )
    assert response.status_code == 302
    assert Member.objects.get().party_group == tree.group


def test_the_page_marks_groups_with_their_branch_and_shows_the_photo_limit(tree, users, login):
    page = text(login(users.unit_admin).get("/members/new/"))
    assert f'data-path="{tree.group.path}"' in page
    assert re.search(rf'<option value="{tree.branch.pk}"[^>]* data-path="{tree.branch.path}"', page)
    assert "不超过 5 MB" in page
    assert "members/member_form.js" in page


def test_the_photo_limit_shown_is_the_one_checked(tree, users, login):
    big = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024))
    data = form_data(tree.branch, photo=big)
    response = login(users.secretary).post("/members/new/", data)
    assert "照片不能超过 5 MB" in text(response)
    assert not Member.objects.exists()


def test_an_outsider_cannot_use_the_form_on_another_branch(tree, users, login):
    response = login(users.outsider).post("/members/new/", form_data(tree.branch))
    assert response.status_code == 200
    assert "请重新选择" in text(response)
    assert not Member.objects.exists()


def test_the_member_form_refuses_control_characters(tree):
    form = MemberForm(
        form_data(tree.branch, name="李\x07四"),
        branches=Org.objects.filter(pk=tree.branch.pk),
        groups=Org.objects.none(),
        creating=True,
    )
    assert not form.is_valid()
    assert form.errors["name"] == [CONTROL_MESSAGE]
