"""At most one department's publications at an address (PostgreSQL only).

A department's live and scheduled publications may share its slug, but no
publication of another department may hold it meanwhile
(``departments.services.publish`` refuses, naming the holder; this constraint
also catches two publishers racing). An exclusion constraint says exactly
that: no two publication rows with equal slugs and different drafts. Django
can declare one only for PostgreSQL, so it lives here rather than in the
model's Meta, and other databases rely on ``publish()`` alone.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models
from django.utils import timezone

CONSTRAINT = "publication_address_of_one_department"


def remove_superseded_publications(apps, schema_editor):
    """Publications shown nowhere any more (a newer one of theirs is live): nothing needs them,
    and they would hold their old addresses against the constraint."""
    Department = apps.get_model("departments", "Department")
    now = timezone.now()
    newer_live = Department.objects.filter(
        draft=models.OuterRef("draft"),
        live_from__lte=now,
        live_from__gt=models.OuterRef("live_from"),
    )
    Department.objects.filter(draft__isnull=False, live_from__lte=now).filter(
        models.Exists(newer_live)
    ).delete()


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE departments_department ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (slug WITH =, draft_id WITH <>) WHERE (draft_id IS NOT NULL)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE departments_department DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("departments", "0006_publication_page_snapshot")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(remove_superseded_publications, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
