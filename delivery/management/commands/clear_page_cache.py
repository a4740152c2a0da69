from django.core.management import BaseCommand

from delivery import page_cache


class Command(BaseCommand):
    help = (
        "Make every application server render every public page afresh: every page in the "
        "whole-page cache is left behind at once. "
        "For changes the admin did not make, such as restoring the database from a backup. "
        "Published files are not touched: run publish_static --all for those."
    )

    def handle(self, *args, **options):
        # Every cached page shows the site topic, whose version is kept in the database:
        # Redis need not answer.
        page_cache.invalidate(page_cache.SITE)
        self.stdout.write("Every cached page is now out of date on every application server.")
