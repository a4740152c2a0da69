"""The site settings now belong to the ``core`` app (core/migrations/0001_initial.py takes the
model's state over; the table stays where it is until core renames it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_delete_pageversion"), ("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteSettings")],
            database_operations=[],
        )
    ]
