from django.core.management import BaseCommand, CommandError

from portal import page_cache
from portal.static_publishing import StaticPublisher, StaticPublishingError


class Command(BaseCommand):
    help = (
        "Render every public page, in every language, into STATIC_PUBLISHING_ROOT (or "
        "--output) for nginx to serve as files. Each file is replaced atomically; pages of "
        "departments no longer published are removed. Run it after each release and, if "
        "publications are scheduled, from a timer (pages waiting for a scheduled publication "
        "are left to Django until it is live)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Folder to write to (default: STATIC_PUBLISHING_ROOT)."
        )
        parser.add_argument(
            "--site-url", help="Public address the pages link to (default: SITE_URL)."
        )

    def handle(self, *args, **options):
        # A new release may render pages differently: cached copies must go too.
        page_cache.invalidate(page_cache.SITE)
        try:
            publisher = StaticPublisher(options["output"], options["site_url"])
            written, removed = publisher.refresh(everything=True)
        except (StaticPublishingError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {written} page(s) to {publisher.root}; "
                f"{removed} page(s) left to the application."
            )
        )
