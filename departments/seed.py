"""Where the seed content for a fresh install lives."""

from django.conf import settings

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
SITE_SETTINGS_FIXTURE = str(FIXTURES_DIR / "site_settings.json")
SEED_FIXTURES = [str(FIXTURES_DIR / "public_security.json")]
SEED_PAGE = FIXTURES_DIR / "public-security-structure-page.txt"


def publish_seed():
    """Publish every draft that has never been published, keeping its page date."""
    from .models import Department
    from .services import publish

    drafts = Department.objects.drafts().filter(
        publications__isnull=True, withdrawn_at__isnull=True
    )
    count = 0
    for draft in drafts:
        publish(draft, update_date=False)
        count += 1
    return count
