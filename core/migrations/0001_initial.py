"""The site settings move from the project package's app (``portal``) to ``core``, which every
app may import: the model's state is taken over here, and its content type (with the
permissions and history that point at it) is given the new app's label. The table is
renamed by the next migration."""

import django.db.models.deletion
from django.db import migrations, models


def relabel_content_type(apps, schema_editor, old="portal", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="sitesettings").update(app_label=new)


def relabel_content_type_back(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="core", new="portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("departments", "0007_one_department_per_address"),
        ("portal", "0004_delete_pageversion"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("footer_text", models.TextField(blank=True, verbose_name="footer text")),
                        (
                            "footer_text_en",
                            models.TextField(blank=True, null=True, verbose_name="footer text"),
                        ),
                        (
                            "footer_text_zh_hans",
                            models.TextField(blank=True, null=True, verbose_name="footer text"),
                        ),
                        (
                            "icp_filing_number",
                            models.CharField(
                                blank=True,
                                help_text="The website's ICP filing (备案) number, shown in the footer.",
                                max_length=100,
                                verbose_name="ICP filing number",
                            ),
                        ),
                        (
                            "government",
                            models.ForeignKey(
                                help_text="The government whose portal this is: the site is named after it.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="departments.government",
                                verbose_name="government",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "site settings",
                        "verbose_name_plural": "site settings",
                        "db_table": "portal_sitesettings",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, relabel_content_type_back),
    ]
