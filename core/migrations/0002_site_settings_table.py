"""The site settings' table takes the name of the app that now holds them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("portal", "0005_site_settings_moved_to_core")]

    operations = [migrations.AlterModelTable(name="sitesettings", table=None)]
