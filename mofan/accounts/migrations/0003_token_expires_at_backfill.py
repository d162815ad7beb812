"""Tokens made before expiry existed stay valid for 180 days from the upgrade."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

EXISTING_TOKEN_DAYS = 180


def backfill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires_at = timezone.now() + timedelta(days=EXISTING_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires_at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_expires_at"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
