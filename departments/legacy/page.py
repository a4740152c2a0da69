"""What a page holds, and the page as plain JSON values (for the admin's preview)."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings

from .problems import Problem
from .vocabulary import ENGLISH


@dataclass
class ParsedInstitution:
    name: str
    line: int
    full_name: str = ""
    handlers: list = field(default_factory=list)
    # "… is handled by A, B, etc.": the handlers listed are only some of them.
    handlers_not_exhaustive: bool = False


@dataclass
class ParsedUnit:
    name: str
    relation: str
    line: int


@dataclass
class ParsedContact:
    kind: str
    label: str
    value: str
    line: int


@dataclass
class RoutineNote:
    handled: str
    handlers: list
    line: int
    text: str
    handlers_not_exhaustive: bool = False


@dataclass
class Page:
    source: str
    language: str = ENGLISH
    name: str = ""
    name_line: int | None = None
    published_at: datetime | None = None
    introduction: str = ""
    responsibilities: list = field(default_factory=list)
    institutions: list = field(default_factory=list)
    units: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    # The lists that say "etc." / "等": "institutions" and the units' relations.
    not_exhaustive: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # Problems that do not stop the import (a count that disagrees with its list, an
    # extra line that holds no fact): shown with the page's result.
    warnings: list = field(default_factory=list)

    @property
    def language_name(self):
        return dict(settings.LANGUAGES).get(self.language, self.language)


def page_data(page):
    """A page as plain JSON values, for ``page_from_data`` to rebuild it without reading again."""
    data = asdict(page)
    data["published_at"] = page.published_at.isoformat() if page.published_at else None
    data["problems"] = [[p.line, p.text, str(p.message)] for p in page.problems]
    data["warnings"] = [[p.line, p.text, str(p.message)] for p in page.warnings]
    return data


def page_from_data(data):
    published_at = data["published_at"]
    return Page(
        **{
            **data,
            "published_at": datetime.fromisoformat(published_at) if published_at else None,
            "responsibilities": [tuple(item) for item in data["responsibilities"]],
            "institutions": [ParsedInstitution(**item) for item in data["institutions"]],
            "units": [ParsedUnit(**item) for item in data["units"]],
            "contacts": [ParsedContact(**item) for item in data["contacts"]],
            "problems": [Problem(*item) for item in data["problems"]],
            "warnings": [Problem(*item) for item in data.get("warnings", [])],
        }
    )
