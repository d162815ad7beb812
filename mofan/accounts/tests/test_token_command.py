"""`mofan token create USERNAME` prints the token as the last line of its output."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mofan.accounts.models import ApiToken


def run(*args):
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_working_token_on_the_last_line(client, users):
    output = run("create", "secretary")

    plain = output.strip().splitlines()[-1]
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200
    assert response.json()["username"] == "secretary"


def test_it_stores_only_the_hash_of_the_printed_token(users):
    plain = run("create", "secretary").strip().splitlines()[-1]

    token = ApiToken.objects.get(user=users.secretary)
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert not ApiToken.objects.filter(token_hash=plain).exists()


def test_it_names_the_token(users):
    run("create", "secretary", "--name", "党建大屏")

    assert ApiToken.objects.get(user=users.secretary).name == "党建大屏"


def test_it_records_token_creation_from_the_command(users, audit_records):
    run("create", "secretary")

    token = ApiToken.objects.get(user=users.secretary)
    entry = audit_records("token.create", target_id=str(token.pk)).get()
    assert entry.username == "系统：命令行" and users.secretary.username in entry.detail


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="不存在"):
        run("create", "nobody")

    assert not ApiToken.objects.exists()


def test_it_refuses_a_disabled_user(users):
    users.secretary.is_active = False
    users.secretary.save()

    with pytest.raises(CommandError):
        run("create", "secretary")


def test_it_revokes_a_token_by_prefix(client, users, audit_records):
    plain = run("create", "secretary").strip().splitlines()[-1]

    run("revoke", plain[:10])

    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401
    assert audit_records("token.revoke").exists()


def test_it_refuses_an_ambiguous_prefix(users):
    run("create", "secretary")
    run("create", "member")

    with pytest.raises(CommandError):
        run("revoke", "mf_")

    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2
