"""Imports departments' structure pages exported from a legacy CMS.

A legacy export is one page per department, as plain text or as a saved HTML
page, in UTF-8 or GB18030 (GBK, GB2312). ``parse_export`` turns it into a
``Page``: the department's name, its date, introduction, numbered
responsibilities, internal institutions (with the "routine work ... is handled
by ..." notes), affiliated units (directly affiliated or managed) and contacts.
``run_import`` writes pages into the department *drafts*; it never publishes
unless asked to (``ImportOptions.publish``), so a publisher reviews first.

Each page is written in one transaction with one revision ("Imported from
<file>"); a page that changes nothing writes nothing. A refused page writes
nothing either, and the other pages are imported all the same.

The package, from bytes to report; a module imports only modules above it:

- ``problems``: ``ImportRefused`` and the ``Problem`` it lists;
- ``decoding``: size limits, bytes to text, plain text to lines;
- ``vocabulary``: the patterns of lines and sentences, headings, boilerplate,
  contact labels, number words;
- ``contact_lines``: contact labels and values: kinds, annotations that go into the
  label ("ext. 8001", "(Chinese)", "（24小时）"), several values a line;
- ``html_text``: a saved HTML page to lines, from its title on; contact tables and
  definition lists as "Label: value" lines;
- ``names``: counts, lists of names, which name means which;
- ``shapes``: the shape of a line (boilerplate, date, heading, label, marker...);
- ``page``: what a page holds, and as JSON values;
- ``sentences``, ``lists`` and ``reader``: the page reader;
- ``results``, ``drafts`` and ``writer``: the draft writer and what it changed;
- ``sources``, ``archive`` and ``exports``: what an import reads: pages as named bytes,
  from .zip archives (``read_archive``, the command's and the admin's) and from files
  and folders on disk (``read_paths``, the command's);
- ``report``: what the command prints, the table of a site's pages and its CSV;
- this module: the public face (``import_source``, ``run_import``...).
"""

from collections import Counter
from dataclasses import replace
from pathlib import PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _

from core.text import large_number

from .archive import read_archive
from .decoding import (
    EXPORT_SUFFIXES,
    MAX_FILE_SIZE,
    MAX_PAGE_LINES,
    decode,
    refuse_oversized,
    text_lines,
)
from .drafts import ImportOptions
from .exports import read_paths
from .html_text import html_lines, is_html
from .names import match_name, split_names
from .page import Page, page_data, page_from_data
from .problems import ImportRefused, Problem
from .reader import PageReader
from .report import report_lines, summary_counts, table_lines, warning_lines, write_csv
from .results import CREATED, REFUSED, UNCHANGED, UPDATED, PageResult
from .sources import Source, Sources, is_archive
from .vocabulary import ENGLISH
from .writer import DraftWriter

__all__ = [
    "CREATED",
    "EXPORT_SUFFIXES",
    "MAX_FILE_SIZE",
    "REFUSED",
    "UNCHANGED",
    "UPDATED",
    "DraftWriter",
    "ImportOptions",
    "ImportRefused",
    "Page",
    "PageReader",
    "PageResult",
    "Problem",
    "Source",
    "Sources",
    "decode",
    "import_page",
    "import_pages",
    "import_source",
    "is_archive",
    "match_name",
    "page_data",
    "page_from_data",
    "parse_export",
    "read_archive",
    "read_paths",
    "read_source",
    "refuse_oversized",
    "report_lines",
    "run_import",
    "split_names",
    "summary_counts",
    "table_lines",
    "warning_lines",
    "write_csv",
]


def parse_export(data, name="page"):
    """The Page a legacy export holds; its ``problems`` say why it cannot be imported."""
    refuse_oversized(data)
    text = decode(data)
    lines = html_lines(text) if is_html(name, text) else text_lines(text)
    if not lines:
        raise ImportRefused([Problem(None, "", _("The file is empty."))])
    if len(lines) > MAX_PAGE_LINES:
        message = _(
            "The page has more than %(limit)s lines of text, far more than any structure "
            "page; it was not read."
        ) % {"limit": large_number(MAX_PAGE_LINES)}
        raise ImportRefused([Problem(None, "", message)])
    return PageReader(name, lines).read()


def read_source(source):
    """The Page a source holds; one that cannot be read is a Page whose problems say why."""
    if source.error:
        return Page(source.name, language="", problems=[Problem(None, "", source.error)])
    try:
        return parse_export(source.data, source.name)
    except ImportRefused as error:
        return Page(source.name, language="", problems=error.problems)


def import_source(source, options):
    """Imports one export in its own transaction; a refused page writes nothing."""
    return import_page(read_source(source), options)


def import_page(page, options):
    """Writes one page (``read_source``'s) in its own transaction; a refused page writes nothing."""
    refused = PageResult(source=page.source, status=REFUSED, dry_run=options.dry_run)
    refused.language, refused.name = page.language, page.name
    refused.warnings = list(page.warnings)
    if page.problems:
        refused.problems = page.problems
        return refused
    try:
        with transaction.atomic():
            result = DraftWriter(page, options).write()
    except ImportRefused as error:
        refused.problems = error.problems
        return refused
    result.warnings = list(page.warnings) + result.warnings
    return result


def run_import(sources, options):
    """Imports every source; a dry run does the same and then rolls everything back."""
    return import_pages([read_source(source) for source in sources], options)


def import_pages(pages, options):
    """``run_import`` of sources already read (``read_source``), as a preview keeps them for
    its confirmation, so that they are not read again."""
    if not options.dry_run:
        return import_each(pages, options)
    with transaction.atomic():
        results = import_each(pages, options)
        transaction.set_rollback(True)
    return results


def import_each(pages, options):
    """The pages' results, in the pages' order.

    With ``folder_per_department`` (and no slug given), a page in another language than
    English whose folder holds exactly one English page updates that page's department,
    which the English page (imported first) created or found: in a site's export, a
    Chinese page names its department only in Chinese, which a new department lacks.
    """
    if options.slug or not options.folder_per_department:
        return [import_page(page, options) for page in pages]
    english = Counter(folder(page) for page in pages if page.language == ENGLISH)
    slugs = {}
    results = {}
    # English pages first: each Chinese page then finds its department's slug.
    for index, page in sorted(enumerate(pages), key=lambda item: item[1].language != ENGLISH):
        page_options = options
        if page.language != ENGLISH and folder(page) in slugs:
            page_options = replace(options, slug=slugs[folder(page)])
        result = results[index] = import_page(page, page_options)
        if page.language == ENGLISH and english[folder(page)] == 1 and not result.refused:
            slugs[folder(page)] = result.slug
    return [results[index] for index in range(len(pages))]


def folder(page):
    return PurePosixPath(page.source).parent
