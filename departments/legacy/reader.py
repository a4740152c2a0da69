"""The page reader: places every line of a page, or says which it could not place.

Lines are classified by their shape, never by a sample's exact wording:
boilerplate (breadcrumbs, "print close", "Produced By ...", "【打印】【关闭】",
source and view counters) and section headings ("Institutional functions:",
"内设机构") are skipped; a date line ("Date:2020-09-01 09:09", "发布日期：...",
"2020年9月1日", "15/03/2021") gives the publication date (Beijing time); the
first other line is the department's name (an HTML page's title, what is above
it being the site's: ``html_text``), and a text with no section heading and no
fact is no structure page; what comes before the first numbered item is
the introduction, kept verbatim ("Article 1 ... Article 3 ... Its main
responsibilities include:" provisions included, one paragraph a line); numbered
items ("(1)", "1.", "1、", "（一）", "一、", "①", or bullets) are the
responsibilities, in order and numbered without gaps; after them come
sentences listing the institutions, the routine-work notes and the affiliated
units (with their count word checked against the list), and "Label: value"
contact lines in English or Chinese (several numbers on one line make several
contacts). Lines wrapped by the export (no blank line between, the previous
line not ending a sentence) are joined. A line that fits none of these is
reported with its number, and the page is refused as a whole, unless it could
hold no fact at all ("Last reviewed by the web team"): then it is left out with a
warning naming it (``lists``), as is a count that disagrees with its list.

The language of a page is Chinese when most of its letters are CJK; it is
imported into that language's columns only (``name_zh_hans``, ``text_en``...).
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from contacts.models import Contact

from ..models import AffiliatedUnit
from .contact_lines import annotated_label, contact_label, contact_values
from .decoding import clean_text
from .lists import ListReader
from .names import marker_number, marker_style
from .page import Page, ParsedContact, ParsedUnit
from .problems import Problem
from .shapes import (
    Entry,
    contact_kind,
    date_match,
    date_values,
    detect_language,
    join_wrapped,
    labelled_fields,
    split_inline_items,
    surface,
)
from .vocabulary import (
    ARTICLE,
    CHINESE,
    HEADING,
    HEADINGS,
    LIST_SECTIONS,
    MARKER,
    NAME_MAX,
    NAME_SECTIONS,
    SENTENCE_END,
    TERMINAL,
    WRAPPED_LENGTH,
    fold,
)


class PageReader(ListReader):
    """Places every line of a page, or says which it could not place."""

    def __init__(self, source, lines):
        super().__init__(Page(source=source, language=detect_language(lines)))
        self.lines = [piece for line in lines for piece in split_inline_items(line)]
        self.state = "head"
        self.section = None
        self.intro = []
        self.numbering = None
        self.items_closed = False

    def read(self):
        for entry in self.entries():
            self.place(entry)
        self.finish()
        return self.page

    def entries(self):
        """Logical lines: a line the export wrapped is joined to the one it continues.

        A line continues the previous one when no blank line separates them, the
        previous one does not end a sentence and is long enough to have been
        wrapped, and neither is a name, a heading, a label or a list of names.
        """
        entries = []
        named = False
        section = None
        previous_line = ""
        # After a line ending with a colon, until a blank line: a list, a name a line.
        listing = False
        for line in self.lines:
            tag = surface(line.text)
            previous = entries[-1] if entries else None
            if tag == "heading":
                heading = HEADING.match(fold(line.text))
                section = next(name for name in HEADINGS if heading.group(name))
            listing = listing and not line.blank_before
            if (
                previous
                and tag == "text"
                and not line.blank_before
                and previous.tag in ("text", "marker", "article")
                and previous.mergeable
                and section not in LIST_SECTIONS
                and not listing
                and len(previous_line) >= WRAPPED_LENGTH
                and not SENTENCE_END.search(previous.text)
            ):
                previous.text = join_wrapped(previous.text, line.text)
                previous_line = line.text
                continue
            previous_line = line.text
            listing = tag == "text" and (listing or fold(line.text).rstrip().endswith(":"))
            entry = Entry(line.number, line.text, tag)
            if tag == "text" and not named:
                # The department's name: what follows it is never part of it.
                entry.mergeable = False
                named = True
            entries.append(entry)
        return entries

    def place(self, entry):
        if entry.tag == "boilerplate":
            return
        if entry.tag == "date":
            self.take_date(entry)
            return
        if entry.tag == "heading":
            self.take_heading(entry)
            return
        if self.state == "head":
            self.state = "intro"
            if entry.tag == "text" and self.name_like(entry.text):
                self.page.name = clean_text(entry.text)
                self.page.name_line = entry.number
                return
            self.problem(entry, _("expected the department's name here"))
            if entry.tag == "text":
                return
        if self.section == "leaders":
            self.problem(
                entry, _("leaders are not imported: enter them in the admin, and remove them here")
            )
        elif entry.tag == "label":
            self.take_contacts(entry)
        elif entry.tag == "marker":
            self.take_numbered(entry)
        elif self.state == "intro" and self.section not in (*NAME_SECTIONS, "contacts"):
            self.take_introduction(entry)
        else:
            self.take_statement(entry)

    def name_like(self, text):
        if len(text) > NAME_MAX or TERMINAL.search(text) or re.search(r"[。]", text):
            return False
        return len(text) <= 60 if self.language == CHINESE else len(text.split()) <= 25

    # Placing lines.

    def take_date(self, entry):
        match = date_match(fold(entry.text))
        try:
            moment = datetime(**date_values(match), tzinfo=ZoneInfo(settings.TIME_ZONE))
        except ValueError:
            self.problem(entry, _("not a valid date"))
            return
        if self.page.published_at is None:
            self.page.published_at = moment
        elif moment != self.page.published_at:
            self.problem(entry, _("a second, different date"))

    def take_heading(self, entry):
        match = HEADING.match(fold(entry.text))
        section = next(name for name in HEADINGS if match.group(name))
        self.section = section
        rest = entry.text[match.start("rest") :].strip() if match.group("rest") else ""
        if rest:
            self.take_list_line(entry, rest)
        if self.page.responsibilities and section not in ("functions", "introduction"):
            self.items_closed = True

    def take_introduction(self, entry):
        text = clean_text(entry.text)
        if len(text) < 60 and not re.search(r"[.。:：;；,，!?！？、]", text):
            self.problem(entry, _("could not place this line (a title where text was expected)"))
            return
        self.intro.append(text)

    def take_numbered(self, entry):
        folded = fold(entry.text)
        match = MARKER.match(folded)
        body = clean_text(entry.text[match.end() :])
        if self.section in NAME_SECTIONS:
            self.take_list_line(entry, body)
            return
        if self.section == "contacts" or self.items_closed:
            self.unplaced(entry)
            return
        if not body:
            self.problem(entry, _("a numbered item without text"))
            return
        style, number = marker_style(match), marker_number(match)
        expected = len(self.page.responsibilities) + 1
        if self.numbering is None:
            self.numbering = style
        if style != self.numbering:
            self.problem(entry, _("numbered differently from the items before it"))
        elif number is not None and number != expected:
            self.problem(
                entry,
                _("numbered %(number)s where %(expected)s was expected")
                % {
                    "number": number,
                    "expected": expected,
                },
            )
        self.page.responsibilities.append((body, entry.number))
        self.state = "items"

    def take_contacts(self, entry):
        folded = fold(entry.text)
        for (label_start, label_end), (value_start, value_end) in labelled_fields(folded):
            label = contact_label(entry.text[label_start:label_end])
            kind = contact_kind(folded[label_start:label_end])
            raw = entry.text[value_start:value_end]
            raw = re.sub(r"(?:\s+[/|])+\s*$", "", raw).strip(" ,;，；|")
            for value, notes in contact_values(kind, raw):
                self.add_contact(entry, kind, annotated_label(label, notes), value)

    def add_contact(self, entry, kind, label, value):
        if len(label) > 100 or len(value) > 500:
            self.problem(entry, _("too long for a contact"))
            return
        value_field = build_localized_fieldname("value", self.language)
        contact = Contact(kind=kind, **{value_field: value})
        try:
            # The model's own validation (telephone, postcode, email, web address) of
            # the one column this page fills.
            contact.full_clean(
                exclude=[f.name for f in Contact._meta.fields if f.name != value_field],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self.problem(entry, " ".join(error.messages))
            return
        self.page.contacts.append(ParsedContact(kind, label, value, entry.number))

    def take_statement(self, entry):
        text = clean_text(entry.text)
        article = ARTICLE.match(fold(text))
        if article:
            text = text[article.end() :].strip()
            if not text:
                return
        if self.page.responsibilities:
            self.items_closed = True
        if self.take_sentences(entry, text):
            return
        if self.section in NAME_SECTIONS:
            self.take_list_line(entry, text)
        else:
            self.unplaced(entry)

    # The whole page.

    def is_no_structure_page(self):
        page = self.page
        facts = (page.responsibilities, page.institutions, page.units, page.contacts)
        return self.section is None and not any(facts)

    def finish(self):
        page = self.page
        page.introduction = "\n".join(self.intro)
        page.units = [
            ParsedUnit(name, AffiliatedUnit.Relation.DIRECTLY_AFFILIATED, line)
            for name, line in self.direct
        ] + [ParsedUnit(name, AffiliatedUnit.Relation.MANAGED, line) for name, line in self.managed]
        if page.name and self.is_no_structure_page():
            # A news article, a notice: its lines are not listed one by one, as nothing
            # of it would be imported.
            message = _(
                "not a structure page: it has no section heading and lists no responsibilities, "
                "internal institutions, affiliated units or contacts"
            )
            page.problems = [Problem(page.name_line, page.name, message)]
            return
        if not page.name:
            self.problem(None, _("The page names no department."))
        if not page.responsibilities:
            self.problem(None, _("The page lists no responsibilities."))
        for note in self.notes:
            self.resolve(note)
        too_long = [
            (line, name)
            for name, line in [(page.name, page.name_line)]
            + [(item.name, item.line) for item in page.institutions]
            + [(item.full_name, item.line) for item in page.institutions]
            + [(item.name, item.line) for item in page.units]
            if len(name) > NAME_MAX
        ]
        for line, name in too_long:
            page.problems.append(Problem(line, name, _("longer than 200 characters")))
