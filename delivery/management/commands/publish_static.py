from django.core.management import BaseCommand, CommandError

from delivery import page_cache
from delivery.static_publishing import StaticPublisher, StaticPublishingError


class Command(BaseCommand):
    help = (
        "Bring the statically published pages in STATIC_PUBLISHING_ROOT (or --output) up to "
        "date, in every language, for nginx to serve as files: the pages of departments "
        "published, withdrawn or changed since their files were written (and all of them "
        "after a change of the site settings or a government), and the site's own pages "
        "when they changed. Run it from a timer (e.g. every 15 minutes): pages waiting for "
        "a scheduled publication are left to the application until it is live. After each "
        "release, run it with --all. Each file is replaced atomically. The pages are written "
        "to the folder's site/ folder, which nginx serves; the manifest and the lock stay "
        "beside it, and pages a previous release wrote beside them are removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help=(
                "Render and write every page, current or not: after a release, whose "
                "templates, translations, static files or code may render pages differently."
            ),
        )
        parser.add_argument(
            "--output",
            help="Folder to publish to, the pages in its site/ (default: STATIC_PUBLISHING_ROOT).",
        )
        parser.add_argument(
            "--site-url", help="Public address the pages link to (default: SITE_URL)."
        )

    def handle(self, *args, **options):
        if options["all"]:
            # A new release may render pages differently: cached copies must go too.
            page_cache.invalidate(page_cache.SITE)
        try:
            publisher = StaticPublisher(options["output"], options["site_url"])
            report = publisher.publish_site(rewrite=options["all"])
        except (StaticPublishingError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.written} page(s) to {publisher.pages_root}, {report.unchanged} "
                f"rendered unchanged; {report.keys_up_to_date} department(s) already "
                f"current; {report.removed} page(s) left to the application."
            )
        )
