"""What the command prints about each page it imported or refused."""

from django.utils.translation import gettext as _

from .results import CREATED, UNCHANGED


def report_lines(result):
    """What the command prints about one page."""
    if result.refused:
        lines = [_("%(file)s: refused, nothing was imported:") % {"file": result.source}]
        for problem in result.problems:
            if problem.line is None:
                lines.append(f"  {problem.message}")
            else:
                lines.append(
                    "  "
                    + _("line %(line)s: %(text)s — %(message)s")
                    % {"line": problem.line, "text": problem.text, "message": problem.message}
                )
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
