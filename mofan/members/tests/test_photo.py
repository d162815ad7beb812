"""A member's photo: JPG or PNG only (checked by content), stored under a random name, shown
only to users in scope, audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.services import member_set_photo
from mofan.site.tests.factories import PNG


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_stores_a_png_under_a_random_name_and_shows_it_in_scope(tree, users, make_member, login):
    member = make_member(tree.branch)
    member_set_photo(
        actor=users.secretary, member=member, upload=SimpleUploadedFile("张三.png", PNG)
    )
    member.refresh_from_db()
    assert member.photo.name.endswith(".png") and "张三" not in member.photo.name
    assert AuditLog.objects.filter(action="member.photo", target_id=str(member.pk)).exists()
    response = login(users.secretary).get(f"/members/{member.pk}/photo/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"\x89PNG"
    )
    assert login(users.outsider).get(f"/members/{member.pk}/photo/").status_code == 404


def test_it_refuses_a_file_that_is_not_really_a_picture(tree, users, make_member):
    member = make_member(tree.branch)
    with pytest.raises(ApplicationError, match="内容与扩展名不符"):
        member_set_photo(
            actor=users.secretary, member=member, upload=SimpleUploadedFile("a.jpg", b"MZ\x90\x00")
        )
    with pytest.raises(ApplicationError, match="JPG 或 PNG"):
        member_set_photo(
            actor=users.secretary, member=member, upload=SimpleUploadedFile("a.gif", b"GIF89a")
        )
