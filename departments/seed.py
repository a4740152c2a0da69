"""Where the seed content for a fresh install lives."""

from django.conf import settings

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
SITE_SETTINGS_FIXTURE = str(FIXTURES_DIR / "site_settings.json")
SEED_FIXTURES = [str(FIXTURES_DIR / "public_security.json")]
SEED_PAGE = FIXTURES_DIR / "public-security-structure-page.txt"
