"""Editors and publishers extend the search's vocabulary and read what found nothing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("dictionaryword", ["view", "add", "change", "delete"]),
    ("synonym", ["view", "add", "change", "delete"]),
    ("unansweredquery", ["view"]),
]
GROUPS = ["Editor", "Publisher"]


def permissions(apps):
    # Permissions are normally created after all migrations ran (see departments 0003).
    app_config = apps.get_app_config("terms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="terms", codename=f"{action}_{model}")
        for model, actions in PERMISSIONS
        for action in actions
    ]


def grant(apps, schema_editor):
    granted = permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*granted)


def revoke(apps, schema_editor):
    granted = permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("terms", "0003_unanswered_queries"),
        ("departments", "0003_editor_and_publisher_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
