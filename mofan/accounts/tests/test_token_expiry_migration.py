"""The data migration of issue 9 §5: tokens made before expiry existed get now + 180 days."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0004_token_expires_at_required")]
UPGRADE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_180_days_from_the_upgrade():
    old = migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(username="old-token-owner")
    old.get_model("accounts", "ApiToken").objects.create(
        user=user, name="旧令牌", prefix="mf_old", token_hash="0" * 64
    )

    with time_machine.travel(UPGRADE, tick=False):
        new = migrate(AFTER)

    token = new.get_model("accounts", "ApiToken").objects.get(token_hash="0" * 64)
    assert token.expires_at == UPGRADE + timedelta(days=180)
