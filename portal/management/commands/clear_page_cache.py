from django.core.management import BaseCommand

from portal import page_cache


class Command(BaseCommand):
    help = (
        "Make every application server render every public page afresh: the whole-page "
        "cache and the site settings each process keeps are left behind within a second. "
        "For changes the admin did not make, such as restoring the database from a backup. "
        "Published files are not touched: run publish_static --all for those."
    )

    def handle(self, *args, **options):
        # Every cached page and the site settings held in memory depend on the site topic,
        # whose version is kept in the database: Redis need not answer.
        page_cache.invalidate(page_cache.SITE)
        self.stdout.write("Every cached page is now out of date on every application server.")
