"""The Editor and Publisher groups, with the permissions their work needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_PERMISSIONS = [
    ("departments", "department", ["view", "change"]),
    ("departments", "government", ["view"]),
    ("departments", "responsibility", ["view", "add", "change", "delete"]),
    ("departments", "institution", ["view", "add", "change", "delete"]),
    ("departments", "affiliatedunit", ["view", "add", "change", "delete"]),
    ("departments", "leader", ["view", "add", "change", "delete"]),
    ("contacts", "contact", ["view", "add", "change", "delete"]),
]
GROUPS = {
    "Editor": [],
    "Publisher": [("departments", "publish_department")],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups
    # need them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    content = [
        permission(app_label, f"{action}_{model}")
        for app_label, model, actions in CONTENT_PERMISSIONS
        for action in actions
    ]
    for name, extra in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*content, *(permission(*pair) for pair in extra))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0001_initial"),
        ("departments", "0002_drafts_publications_leaders"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
