from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.management.base import DjangoHelpFormatter
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from departments.legacy import (
    CREATED,
    EXPORT_SUFFIXES,
    MAX_FILE_SIZE,
    UNCHANGED,
    UPDATED,
    ImportOptions,
    Source,
    report_lines,
    run_import,
)
from departments.models import DepartmentKind, Government


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass


def read_sources(paths):
    """One Source per exported page; a folder stands for the exports in it."""
    sources = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in EXPORT_SUFFIXES
            )
            if not files:
                sources.append(Source(name, error="No exported pages (.txt, .html) in the folder."))
            sources.extend(read_file(child) for child in files)
        else:
            sources.append(read_file(path))
    return sources


def read_file(path):
    try:
        if path.stat().st_size > MAX_FILE_SIZE:
            return Source(str(path), error="The file is too large for a structure page.")
        return Source(path.name, data=path.read_bytes())
    except OSError as error:
        return Source(str(path), error=f"Cannot read the file: {error.strerror or error}.")


class Command(BaseCommand):
    help = """Import departments from structure pages exported from a legacy CMS.

Each PATH is an exported page (plain text or a saved HTML page, UTF-8 or
GB18030) or a folder of them. Every page creates or updates one department
DRAFT with all it says: name, date, introduction, responsibilities,
institutions (with who handles whose routine work), affiliated units and
contacts. Nothing is published unless --publish is given: a publisher
publishes the drafts from the admin.

A Chinese page fills the Chinese columns, an English page the English ones.
The department is the one with --slug, else the one with the page's name in
the page's language, else (English pages only) a new one whose slug is made
from the name. A Chinese page of a new department needs --slug.

Lists are matched by position: responsibilities and institutions by order,
affiliated units by order within their relation, contacts by order within
their kind. The page's language column of matched rows is replaced; rows the
page no longer has are deleted (in every language); new rows are created with
the other language's column empty (the public pages then show English).

Each page is imported in its own transaction with one revision. A page that
cannot be fully understood is refused: its unplaceable lines are printed,
nothing of it is written, the other pages are imported, and the command exits
with status 1. Importing an unchanged page changes nothing."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Exported pages or folders.")
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
        results = run_import(
            read_sources(options["paths"]),
            ImportOptions(
                slug=slug,
                government=government,
                kind=options["kind"],
                publish=options["publish"],
                dry_run=options["dry_run"],
            ),
        )
        for result in results:
            stream = self.stderr if result.refused else self.stdout
            for line in report_lines(result):
                stream.write(line)
            # A page imported with warnings is imported all the same (exit status 0).
            for warning in result.warnings:
                stream.write(
                    "  "
                    + _("line %(line)s: %(text)s — %(message)s")
                    % {"line": warning.line, "text": warning.text, "message": warning.message}
                )
        counts = {
            status: sum(result.status == status for result in results)
            for status in (CREATED, UPDATED, UNCHANGED)
        }
        refused = sum(result.refused for result in results)
        summary = (
            f"{counts[CREATED]} created, {counts[UPDATED]} updated, "
            f"{counts[UNCHANGED]} unchanged, {refused} refused"
        )
        if options["dry_run"]:
            summary = f"Dry run, nothing written: would be {summary}."
        else:
            summary = f"{summary[0].upper()}{summary[1:]}."
        self.stdout.write(summary)
        if refused:
            raise CommandError(
                f"{refused} of {len(results)} page(s) refused; nothing was written for them."
            )
