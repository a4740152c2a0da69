"""Lines of a list section, and lines that fit nowhere.

A line of an "Internal institutions" or "Affiliated units" section holds names
("General Office", "办公室、指挥通信处，共4个。"), possibly followed by sentences
("其中，…的日常工作由…负责。"). A line that fits nowhere refuses the page when it
could hold a fact (a list item, a name, a number, an address, a word of the
page's lists or contacts); one that could not ("Last reviewed by the web team",
"欢迎访问本网站！") is left out with a warning naming it.
"""

import re

from django.utils.translation import gettext as _

from .decoding import clean_text
from .names import cut_count_tail, looks_like_name, split_names, title_like
from .page import ParsedInstitution
from .sentences import SentenceReader, split_sentences
from .vocabulary import CHINESE, ENGLISH, FACT_FREE_MAX, FACT_WORDS, fold


def holds_no_fact(entry, language):
    """True for a line that could hold none of a page's facts: prose, short, with no digit,
    no e-mail or web address, no word of the page's lists or contacts, and no name (in
    English, no capital after the first word)."""
    text = clean_text(entry.text)
    if entry.tag != "text" or not text or re.search(r"\d|@|https?:|www\.", text):
        return False
    if FACT_WORDS.search(fold(text)):
        return False
    if language == CHINESE:
        return len(text) <= FACT_FREE_MAX[CHINESE] and not looks_like_name(text, language)
    words = text.split()
    # A capital after the first word may start a name ("… by Lanshan Digital Co.").
    proper = [word for word in words[1:] if word[0].isupper() and word != "I"]
    return len(words) <= FACT_FREE_MAX[ENGLISH] and not proper and not title_like(text)


class ListReader(SentenceReader):
    """Places the lines of list sections, and says which lines fit nowhere. PageReader's
    base: ``section`` and ``items_closed`` are its state."""

    section = None
    items_closed = False

    def unplaced(self, entry):
        if holds_no_fact(entry, self.language):
            self.warn(entry, _("left out: this line holds none of the page's facts"))
        else:
            self.problem(entry, _("could not place this line"))

    def take_list_line(self, entry, text):
        """A line of an "Internal institutions" or "Affiliated units" section: names, and
        the sentences that may follow them."""
        if self.section not in ("institutions", "units"):
            if self.section == "mixed":
                self.problem(entry, _("cannot tell internal institutions from affiliated units"))
            else:
                self.unplaced(entry)
            return
        if self.page.responsibilities:
            self.items_closed = True
        listed, *sentences = split_sentences(clean_text(text), self.language) or [""]
        listed, count = cut_count_tail(listed.rstrip(".。;；"), self.language)
        names = split_names(listed, self.language)
        if not self.names_of_a_line(names) or (
            sentences and not self.take_sentences(entry, self.joined(sentences))
        ):
            self.unplaced(entry)
            return
        if count is not None and count != len(names):
            if self.section == "institutions":
                message = _("the page says %(expected)s institutions but lists %(count)s")
            else:
                message = _(
                    "the page says %(expected)s directly affiliated units but lists %(count)s"
                )
            self.warn(entry, message % {"expected": count, "count": len(names)})
        for name in names:
            if self.section == "institutions":
                self.page.institutions.append(ParsedInstitution(name, entry.number))
            else:
                self.direct.append((name, entry.number))

    def joined(self, sentences):
        return ("" if self.language == CHINESE else " ").join(sentences)

    def names_of_a_line(self, names):
        """A list line holds only names; in English, names in title case."""
        return bool(names) and all(
            looks_like_name(name, self.language) and (self.language != ENGLISH or title_like(name))
            for name in names
        )
