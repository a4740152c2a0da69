"""What an import says about the pages it imported or refused: each page's changes
(``report_lines``), the table of every page (``table_lines``) and the same table as a CSV
file (``write_csv``)."""

import csv
import unicodedata

from django.utils.translation import gettext as _

from .results import CREATED, REFUSED, UNCHANGED, UPDATED

# Display columns of the table's page cell (a Chinese character takes two); a department
# is shown whole, its name is what the reader looks for.
PAGE_WIDTH = 48


def problem_text(problem):
    """A refusal's or a warning's line of text: "line 8: <text> — <message>"."""
    if problem.line is None:
        return str(problem.message)
    return _("line %(line)s: %(text)s — %(message)s") % {
        "line": problem.line,
        "text": problem.text,
        "message": problem.message,
    }


def report_lines(result):
    """What the command prints about one page."""
    if result.refused:
        lines = [_("%(file)s: refused, nothing was imported:") % {"file": result.source}]
        lines.extend(f"  {problem_text(problem)}" for problem in result.problems)
        return lines
    values = {
        "file": result.source,
        "name": result.name,
        "slug": result.slug,
        "language": result.language_name,
    }
    if result.status == UNCHANGED:
        return [_("%(file)s: %(name)s (%(slug)s, %(language)s): no changes.") % values]
    if result.status == CREATED:
        heading = (
            _("%(file)s: would create %(name)s (%(slug)s, %(language)s):")
            if result.dry_run
            else _("%(file)s: created %(name)s (%(slug)s, %(language)s):")
        )
    else:
        heading = (
            _("%(file)s: would update %(name)s (%(slug)s, %(language)s):")
            if result.dry_run
            else _("%(file)s: updated %(name)s (%(slug)s, %(language)s):")
        )
    lines = [heading % values] + [f"  {change}" for change in result.changes]
    if result.published:
        lines.append("  " + (_("Would be published.") if result.dry_run else _("Published.")))
    else:
        lines.append(
            "  "
            + _(
                "Not published: a publisher must publish the department before the public pages "
                "show this."
            )
        )
    return lines


def warning_lines(result):
    """The page's warnings, for the lines after the table."""
    return [f"{result.source}: {problem_text(problem)}" for problem in result.warnings]


def outcome(result):
    """created, updated, unchanged or refused (``would create``… in a dry run)."""
    if result.dry_run:
        labels = {CREATED: _("would create"), UPDATED: _("would update")}
    else:
        labels = {CREATED: _("created"), UPDATED: _("updated")}
    labels.update({UNCHANGED: _("unchanged"), REFUSED: _("refused")})
    text = labels[result.status]
    if result.published:
        text = _("%(outcome)s, published") % {"outcome": text}
    return text


def department(result):
    """The department as "slug / name" (a refused page's name only, if it was read)."""
    if result.slug:
        return f"{result.slug} / {result.name}"
    return result.name or "—"


def summary_counts(results):
    """How many pages were created, updated, unchanged and refused (by status)."""
    return {
        status: sum(result.status == status for result in results)
        for status in (CREATED, UPDATED, UNCHANGED, REFUSED)
    }


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def shortened(text, width, keep_end=False):
    """The text in at most ``width`` display columns, "…" where it was cut."""
    if display_width(text) <= width:
        return text
    chars = list(reversed(text)) if keep_end else list(text)
    kept, used = [], 1
    for char in chars:
        used += display_width(char)
        if used > width:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept)) if keep_end else "".join(kept) + "…"


def padded(text, width):
    return text + " " * (width - display_width(text))


def table_lines(results):
    """One row per page: page, department, outcome, number of warnings; aligned for a
    terminal, Chinese characters counted as two columns."""
    header = [_("Page"), _("Department"), _("Outcome"), _("Warnings")]
    rows = [
        [
            # The end of a long path (the file's own name) says most.
            shortened(result.source, PAGE_WIDTH, keep_end=True),
            department(result),
            outcome(result),
            str(len(result.warnings)) if result.warnings else "—",
        ]
        for result in results
    ]
    widths = [max(display_width(row[column]) for row in [header, *rows]) for column in range(4)]

    def line(cells):
        return "  ".join(padded(cell, width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return [line(header).rstrip(), rule, *(line(row).rstrip() for row in rows)]


def write_csv(results, stream):
    """The table as CSV, one row per page, with a header row; a page's refusal reasons and
    warnings are one cell, a line each."""
    writer = csv.writer(stream)
    writer.writerow(
        [
            _("Page"),
            _("Language"),
            _("Slug"),
            _("Department"),
            _("Outcome"),
            _("Warnings"),
            _("Refusal reasons and warnings"),
        ]
    )
    for result in results:
        details = [problem_text(problem) for problem in [*result.problems, *result.warnings]]
        writer.writerow(
            [
                result.source,
                result.language,
                result.slug,
                result.name,
                outcome(result),
                len(result.warnings),
                "\n".join(details),
            ]
        )
