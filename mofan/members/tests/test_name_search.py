"""Search by part of a name reads the character index (issue 8 §7): one, two or more
characters of the name, in order, or the start of a phone number; a renamed member is found by
the new name only; the members already on record are indexed by the migration."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.members.models import MemberNameGram
from mofan.members.search import name_grams
from mofan.members.selectors import member_filter, member_list
from mofan.members.services import member_update


@pytest.fixture
def roster(tree, make_member):
    return {
        name: make_member(tree.branch, name=name, phone=phone)
        for name, phone in [
            ("王明华", "13800001111"),
            ("欧阳明", "13900002222"),
            ("李华明", ""),
            ("王 芳", ""),
        ]
    }


def found(users, text) -> set[str]:
    members = member_list(actor=users.committee_admin)
    return {m.name for m in member_filter(members, today=timezone.localdate(), text=text)}


def test_it_finds_members_by_one_two_or_more_characters_of_the_name_in_order(users, roster):
    assert found(users, "王") == {"王明华", "王 芳"}
    assert found(users, "明") == {"王明华", "欧阳明", "李华明"}
    assert found(users, "明华") == {"王明华"}
    assert found(users, "华明") == {"李华明"}
    assert found(users, "王明华") == {"王明华"}
    assert found(users, "欧阳明") == {"欧阳明"}
    assert found(users, "明王华") == set()  # every pair is there, but not in this order
    assert found(users, "王芳") == {"王 芳"}  # a blank typed inside the name does not hide it
    assert found(users, "张") == set()


def test_it_still_finds_members_by_the_start_of_the_phone_number(users, roster):
    assert found(users, "1380000") == {"王明华"}
    assert found(users, "139") == {"欧阳明"}
    assert found(users, "0000") == set()


def test_a_renamed_member_is_found_by_the_new_name_only(users, roster):
    member_update(actor=SYSTEM, member=roster["李华明"], name="李建国")
    assert found(users, "建国") == {"李建国"}
    assert found(users, "华明") == set()


def test_the_search_reads_the_index_instead_of_scanning_names(users, roster):
    with CaptureQueriesContext(connection) as queries:
        assert found(users, "明") == {"王明华", "欧阳明", "李华明"}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "members_membernamegram" in sql and "%明%" not in sql


def test_the_migration_indexes_the_members_already_on_record(roster):
    MemberNameGram.objects.all().delete()
    migration = importlib.import_module("mofan.members.migrations.0011_member_name_gram")
    migration.fill(apps, None)
    member = roster["欧阳明"]
    assert set(member.name_grams.values_list("gram", flat=True)) == name_grams("欧阳明")
    assert name_grams("欧阳明") == {"欧", "阳", "明", "欧阳", "阳明"}
    assert MemberNameGram.objects.count() == sum(len(name_grams(n)) for n in roster)
