"""Reads the legacy CMS export that the seed fixture reproduces, so tests compare against it."""

import re
from dataclasses import dataclass, field

from departments.seed import SEED_PAGE


@dataclass
class SeedPage:
    name: str = ""
    date: str = ""
    introduction: str = ""
    responsibilities: list = field(default_factory=list)
    institutions: list = field(default_factory=list)
    handled_institution: str = ""
    handlers: list = field(default_factory=list)
    direct_units: list = field(default_factory=list)
    managed_units: list = field(default_factory=list)
    contacts: list = field(default_factory=list)


def split_names(text):
    return [name.strip() for name in re.split(r",\s*(?:and\s+)?", text) if name.strip()]


def read_seed_page(path=SEED_PAGE):
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    page = SeedPage(name=lines[1])
    for line in lines[2:]:
        if line.startswith("Date:"):
            page.date = line.removeprefix("Date:").strip()
        elif match := re.match(r"^\((\d+)\)\s*(.+)$", line):
            assert int(match.group(1)) == len(page.responsibilities) + 1
            page.responsibilities.append(match.group(2))
        elif line.endswith("main responsibilities include:"):
            page.introduction = line
        elif match := re.search(r"consists of institutions including (.+?),\s*etc\.", line):
            page.institutions = split_names(match.group(1))
            handled = re.search(r"routine work of the (.+?) is handled by the (.+?),\s*etc\.", line)
            page.handled_institution = handled.group(1)
            page.handlers = split_names(handled.group(2))
        elif match := re.search(
            r"directly affiliated units, including (.+), and manages (.+)\.$", line
        ):
            page.direct_units = [name.removeprefix("the ") for name in split_names(match.group(1))]
            page.managed_units = [match.group(2).removeprefix("the ")]
        elif match := re.match(r"^([A-Z][A-Za-z ]+):\s*(\S.*)$", line):
            page.contacts.append((match.group(1), match.group(2)))
    return page
