"""What an import did to a page: its status and the changes it made (or would make)."""

from dataclasses import dataclass, field
from datetime import datetime
from os.path import commonprefix

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"


def display(value):
    """A value as the report shows it: texts quoted (and shortened), dates in Beijing time."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return "; ".join(display(item) for item in value)
    text = str(value)
    text = text if len(text) <= 160 else text[:159] + "…"
    return f"“{text}”"


@dataclass
class Change:
    """One field of one row that the import creates, changes or deletes."""

    action: str
    subject: str
    field: str = ""
    old: object = None
    new: object = None

    @property
    def symbol(self):
        return {"create": "+", "update": "~", "delete": "-"}[self.action]

    @property
    def old_display(self):
        return display(self.excerpt(self.old))

    @property
    def new_display(self):
        return display(self.excerpt(self.new))

    def excerpt(self, value):
        """Of a long text that changed, the part that changed, with some context."""
        old, new = self.old, self.new
        if not (isinstance(old, str) and isinstance(new, str)) or len(value) <= 160:
            return value
        prefix = len(commonprefix([old, new]))
        suffix = len(commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
        start = max(prefix - 40, 0)
        end = min(len(value) - suffix + 40, len(value))
        if end - start > 159:
            end = start + 159
        return ("…" if start else "") + value[start:end] + ("…" if end < len(value) else "")

    def __str__(self):
        if self.action == "update":
            return f"~ {self.subject}, {self.field}: {self.old_display} → {self.new_display}"
        if self.action == "create":
            return f"+ {self.subject}, {self.field}: {self.new_display}"
        return f"- {self.subject}: {self.old_display}"


@dataclass
class PageResult:
    source: str
    status: str
    language: str = ""
    name: str = ""
    slug: str = ""
    department_id: int | None = None
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # The page's warnings (``Page.warnings``): imported all the same.
    warnings: list = field(default_factory=list)
    published: bool = False
    dry_run: bool = False

    @property
    def refused(self):
        return self.status == REFUSED

    @property
    def language_name(self):
        return str(dict(settings.LANGUAGES).get(self.language, self.language))

    @property
    def status_label(self):
        if self.dry_run:
            labels = {
                CREATED: _("Will be created"),
                UPDATED: _("Will be updated"),
                UNCHANGED: _("No changes"),
                REFUSED: _("Refused"),
            }
        else:
            labels = {
                CREATED: _("Created"),
                UPDATED: _("Updated"),
                UNCHANGED: _("No changes"),
                REFUSED: _("Refused"),
            }
        return labels[self.status]

    @property
    def needs_publishing(self):
        return self.status in (CREATED, UPDATED) and not self.published
