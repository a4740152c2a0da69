from argparse import RawDescriptionHelpFormatter

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.management.base import DjangoHelpFormatter
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from departments.legacy import (
    CREATED,
    REFUSED,
    UNCHANGED,
    UPDATED,
    ImportOptions,
    read_paths,
    report_lines,
    run_import,
    summary_counts,
    table_lines,
    warning_lines,
    write_csv,
)
from departments.models import DepartmentKind, Government

# Skipped files named on one line, unless -v 2 asks for all.
SHOWN_SKIPPED = 10


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = """Import departments from structure pages exported from a legacy CMS.

Each PATH is an exported page (plain text or a saved HTML page, UTF-8 or
GB18030), a folder of them or a .zip archive of them. A folder is read with
its sub-folders, and an archive with the folders inside it, in the sorted
order of the pages' paths; files that are not pages (.txt, .html) are
skipped and listed, hidden ones (.DS_Store, .git/, __MACOSX/) passed over. Every page creates or
updates one department DRAFT with all it says: name, date, introduction,
responsibilities, institutions (with who handles whose routine work),
affiliated units and contacts. Nothing is published unless --publish is
given: a publisher publishes the drafts from the admin.

A Chinese page fills the Chinese columns, an English page the English ones.
The department is the one with --slug, else the one with the page's name in
the page's language, else (English pages only) a new one whose slug is made
from the name. A Chinese page of a new department needs --slug, or, in a
site's export with a folder per department, --folder-per-department: then a
page in Chinese updates the department of the one English page in its folder
(English pages are imported first).

Lists are matched by position: responsibilities and institutions by order,
affiliated units by order within their relation, contacts by order within
their kind. The page's language column of matched rows is replaced; rows the
page no longer has are deleted (in every language); new rows are created with
the other language's column empty (the public pages then show English).

Each page is imported in its own transaction with one revision. A page that
cannot be fully understood is refused: its unplaceable lines are printed,
nothing of it is written, the other pages are imported, and the command exits
with status 1. A count that disagrees with its list, or an extra line that
could hold no fact ("Last reviewed by the web team"), is only a warning: the
page is imported and the line printed. An archive that is damaged, encrypted, far too large once
expanded (more than 50 MB of pages or 5,000 files) or names files outside
itself (/…, ../…) is refused whole, before any of its pages is imported.
Importing an unchanged page changes nothing, so a site can be imported again.

The command prints a table of the pages (page, department, outcome, number of
warnings), then each page's warnings and a summary; refused pages' reasons go
to standard error. With --dry-run or -v 2 it also prints each page's changes,
field by field. --report FILE writes the table as CSV."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="Exported pages, folders or .zip archives."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be created or changed, field by field; write nothing.",
        )
        parser.add_argument(
            "--slug",
            help=(
                "The department's slug, for pages of one department (its English and Chinese "
                "pages, say): updates that department, or creates it with this slug."
            ),
        )
        parser.add_argument(
            "--government",
            metavar="SLUG",
            help="The government of new departments; needed when there are several.",
        )
        parser.add_argument(
            "--kind",
            choices=DepartmentKind.values,
            default=DepartmentKind.COMPONENT,
            help="The kind of new departments (default: %(default)s).",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish each imported department right away, keeping its page date.",
        )
        parser.add_argument(
            "--folder-per-department",
            action="store_true",
            help=(
                "Each folder holds the pages of one department: a Chinese page updates the "
                "department of the one English page in its folder."
            ),
        )
        parser.add_argument(
            "--report",
            metavar="FILE",
            help=(
                "Write the table of pages to FILE as CSV (UTF-8 with a byte-order mark, which "
                "Excel and WPS need to read Chinese): one row per page, with its refusal "
                "reasons and warnings."
            ),
        )

    def handle(self, *args, **options):
        government = None
        if options["government"]:
            try:
                government = Government.objects.get(slug=options["government"])
            except Government.DoesNotExist:
                raise CommandError(
                    f"No government has the slug {options['government']!r}."
                ) from None
        slug = options["slug"] or ""
        if slug:
            try:
                validate_slug(slug)
            except ValidationError:
                raise CommandError(f"{slug!r} is not a slug (letters, digits, - and _).") from None
        report = self.open_report(options["report"])
        found = read_paths(options["paths"])
        results = run_import(
            found.pages,
            ImportOptions(
                slug=slug,
                government=government,
                kind=options["kind"],
                publish=options["publish"],
                dry_run=options["dry_run"],
                folder_per_department=options["folder_per_department"],
            ),
        )
        if report is not None:
            with report:
                write_csv(results, report)
        self.print_results(results, found.skipped, options)
        refused = sum(result.refused for result in results)
        if refused:
            raise CommandError(
                _("%(refused)s of %(count)s page(s) refused; nothing was written for them.")
                % {"refused": refused, "count": len(results)}
            )

    def open_report(self, name):
        """The report file, opened before the import, so that a path that cannot be
        written stops the command before it imports anything."""
        if not name:
            return None
        try:
            # newline="": the csv module writes the CSV line ends itself.
            return open(name, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(
                _("Cannot write the report %(file)s: %(error)s.")
                % {"file": name, "error": error.strerror or error}
            ) from None

    def print_results(self, results, skipped, options):
        """Each page's changes (-v 2, dry runs), skipped files, the table, warnings and
        refusal reasons (on standard error); the summary follows."""
        verbosity, dry_run = options["verbosity"], options["dry_run"]
        if dry_run or verbosity >= 2:
            for result in results:
                if not result.refused:
                    for line in report_lines(result):
                        self.stdout.write(line)
        if skipped and verbosity >= 1:
            shown = skipped if verbosity >= 2 else skipped[:SHOWN_SKIPPED]
            names = ", ".join(shown)
            if len(shown) < len(skipped):
                names += " " + _("and %(count)s more") % {"count": len(skipped) - len(shown)}
            self.stdout.write(
                _("Skipped %(count)s file(s) that are not exported pages: %(names)s")
                % {"count": len(skipped), "names": names}
            )
        if verbosity >= 1:
            for line in table_lines(results):
                self.stdout.write(line)
            warnings = [line for result in results for line in warning_lines(result)]
            if warnings:
                self.stdout.write(_("Warnings (imported all the same):"))
                for line in warnings:
                    self.stdout.write(f"  {line}")
        for result in results:
            if result.refused:
                for line in report_lines(result):
                    self.stderr.write(line)
        counts = summary_counts(results)
        values = {
            "created": counts[CREATED],
            "updated": counts[UPDATED],
            "unchanged": counts[UNCHANGED],
            "refused": counts[REFUSED],
        }
        if dry_run:
            summary = _(
                "Dry run, nothing written: would be %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(refused)s refused."
            )
        else:
            summary = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(refused)s refused."
            )
        self.stdout.write(summary % values)
        if options["report"]:
            self.stdout.write(_("Report written to %(file)s.") % {"file": options["report"]})
