"""Publications keep one document of what their pages show (departments.documents), in place
of the snapshot of their rows. The documents are built by the post_migrate receiver
(``documents.rebuild_after_migrate``) from each publication's rows; migrating back drops
them, and the previous release rewrites its snapshots the same way."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("departments", "0007_one_department_per_address")]

    operations = [
        migrations.RemoveField(model_name="department", name="page_snapshot"),
        migrations.AddField(
            model_name="department",
            name="document",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
