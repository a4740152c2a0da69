from django.core.management import BaseCommand, call_command
from django.db import transaction

from core.models import SiteSettings
from departments.models import Department

from ...seed import SEED_FIXTURES, SITE_SETTINGS_FIXTURE, publish_seed


class Command(BaseCommand):
    help = (
        "Load and publish the seed content (site settings and the Department of Public "
        "Security) on a fresh install. Content that already exists is left alone, so running "
        "it again never overwrites editors' work."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            if Department.objects.exists():
                self.stdout.write("Departments already present; seed content not loaded again.")
            else:
                call_command("loaddata", *SEED_FIXTURES, verbosity=0)
                published = publish_seed()
                self.stdout.write(
                    self.style.SUCCESS(f"Loaded and published {published} seed department(s).")
                )

            # After the seed: the settings name the seed's government, the site's.
            if SiteSettings.objects.exists():
                self.stdout.write("Site settings already present; left unchanged.")
            else:
                call_command("loaddata", SITE_SETTINGS_FIXTURE, verbosity=0)
                self.stdout.write(self.style.SUCCESS("Loaded the site settings."))
