from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RenameModel("CommitteeMember", "CommitteeSeat")]
