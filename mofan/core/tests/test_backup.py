"""`mofan backup` and `mofan restore`: the database and the uploaded files come back as they
were, and the citizen numbers still decrypt with the same field key."""

import io
import tarfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from mofan.core.access import SYSTEM
from mofan.core.backup import KEY_REMINDER
from mofan.members import crypto
from mofan.members.models import Member
from mofan.members.services import member_create
from mofan.members.tests.conftest import new_id_number

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "meetings").mkdir(parents=True)
    (settings.MEDIA_ROOT / "meetings" / "记录.pdf").write_bytes(b"%PDF-1.4 minutes")
    return settings.MEDIA_ROOT


def add_member(org, name):
    number = new_id_number(date(1980, 5, 1))
    member_create(
        actor=SYSTEM,
        org=org,
        name=name,
        id_number=number,
        category="full",
        joined_on=date(2005, 7, 1),
        full_member_on=date(2006, 7, 1),
    )
    return number


def backup(tmp_path) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out, stderr=err)
    return out.getvalue().split("已备份到 ")[1].strip(), err.getvalue()


def test_a_backup_restores_the_database_and_the_files(tree, tmp_path, media):
    number = add_member(tree.branch, "备份前的党员")
    path, warning = backup(tmp_path)
    assert KEY_REMINDER in warning
    with tarfile.open(path) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "media/meetings/记录.pdf" in names

    add_member(tree.branch, "备份后的党员")
    Member.objects.filter(name="备份前的党员").delete()
    (media / "meetings" / "记录.pdf").unlink()

    call_command("restore", path, "--yes", stdout=io.StringIO(), stderr=io.StringIO())

    [member] = Member.objects.all()
    assert member.name == "备份前的党员"
    assert crypto.decrypt(member.id_number_cipher) == number
    assert (media / "meetings" / "记录.pdf").read_bytes() == b"%PDF-1.4 minutes"


def test_restore_asks_first_and_changes_nothing_unless_told_yes(tree, tmp_path, monkeypatch):
    add_member(tree.branch, "原有党员")
    path, _ = backup(tmp_path)
    add_member(tree.branch, "新党员")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", path)
    assert Member.objects.count() == 2


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="不是 mofan backup 生成的文件"):
        call_command("restore", str(bogus), "--yes")
