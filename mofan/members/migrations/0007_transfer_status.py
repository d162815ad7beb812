from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("members", "0006_member_org_name_index")]

    operations = [migrations.RenameField("transfer", "state", "status")]
