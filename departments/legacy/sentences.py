"""The sentences after the responsibilities: institutions, routine-work notes, affiliated units.

"The department has the following internal institutions: A, B and C.", "The
routine work of the X is handled by the Y.", "It has four directly affiliated
units: ...", "内设办公室、法规处等5个处室。", "直属单位有：...". Each sentence of a
paragraph must say something known, or the paragraph is not placed at all.
"""

import re

from django.utils.translation import gettext as _

from ..models import AffiliatedUnit
from .names import (
    count_value,
    cut_count_tail,
    looks_like_name,
    match_name,
    split_names,
    strip_article,
)
from .page import ParsedInstitution, RoutineNote
from .problems import Problem
from .shapes import Entry
from .vocabulary import (
    CHINESE,
    COUNT,
    ENGLISH,
    FILLER,
    INSTITUTIONS_EN,
    INSTITUTIONS_ZH,
    LIST_ANNOUNCEMENTS,
    LIST_END_EN,
    LIST_END_ZH,
    MANAGED_EN,
    MANAGED_ZH,
    MANAGES_EN,
    MANAGES_ZH,
    ROUTINE_EN,
    ROUTINE_ZH,
    SELF_SUBJECTS,
    UNITS_EN,
    UNITS_ZH,
    fold,
)


def split_sentences(text, language):
    if language == CHINESE:
        return [part for part in re.split(r"(?<=[。!?！？])", text) if part.strip()]
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])", text) if part.strip()]


def closes_with_etc(text, language):
    """Whether a list's text ends with "etc." / "等": the list names only some of its items."""
    text = fold(text).strip().rstrip(" .;,。；，")
    if language == CHINESE:
        return text.endswith("等")
    return bool(re.search(r"\betc$", text, re.I))


def names_only_some(says_etc, expected, names):
    """A list that says "etc." names only some of its items, unless it counts exactly them
    ("设A、B等两个直属单位": in Chinese 等 also closes a complete, counted list)."""
    return says_etc and (expected is None or expected > len(names))


class SentenceReader:
    """What the sentences of a page say: institutions go into ``page``, routine-work notes
    into ``notes`` (resolved once every institution is known), affiliated units into
    ``direct`` and ``managed``. PageReader's base: it places the other lines."""

    def __init__(self, page):
        self.page = page
        self.notes = []
        self.direct = []
        self.managed = []

    @property
    def language(self):
        return self.page.language

    def problem(self, entry, message):
        if entry is None:
            self.page.problems.append(Problem(None, "", message))
        else:
            self.page.problems.append(Problem(entry.number, entry.text, message))

    def warn(self, entry, message):
        """Something wrong that loses no fact: the page is imported, and the line named."""
        self.page.warnings.append(Problem(entry.number, entry.text, message))

    def said(self):
        """How many problems and warnings the page has so far, for ``unsay``."""
        return len(self.page.problems), len(self.page.warnings)

    def unsay(self, said):
        """Forgets what was said about sentences that were not placed after all."""
        problems, warnings = said
        del self.page.problems[problems:], self.page.warnings[warnings:]

    def take_sentences(self, entry, text):
        """Places every sentence of a paragraph; False (placing nothing, saying nothing) if one
        does not fit."""
        said = self.said()
        placed = []
        for sentence in split_sentences(text, self.language):
            parts = [sentence]
            before = self.said()
            parsed = self.parse_sentence(entry, sentence)
            if parsed is None:
                self.unsay(before)
                parts = [part for part in re.split(r"(?<=[;；])\s*", sentence) if part.strip()]
                parsed_parts = [self.parse_sentence(entry, part) for part in parts]
                if len(parts) == 1 or None in parsed_parts:
                    self.unsay(said)
                    return False
                placed.extend(parsed_parts)
            else:
                placed.append(parsed)
        for action in placed:
            action()
        return bool(placed)

    def parse_sentence(self, entry, sentence):
        """A function that records what the sentence says, or None if it says nothing known."""
        folded = fold(sentence.strip())
        original = sentence.strip()
        if any(pattern.match(folded) for pattern in FILLER):
            return lambda: None
        for section, pattern in LIST_ANNOUNCEMENTS.items():
            if pattern.search(folded):
                # The names follow one a line, as under a heading of that section.
                return lambda: setattr(self, "section", section)
        for parse in (self.parse_routine, self.parse_units, self.parse_institutions):
            action = parse(entry, folded, original)
            if action is not None:
                return action
        return self.parse_managed(entry, folded, original)

    def names(self, entry, text, expected=None, mismatch=""):
        """The names of a list; a list that names none is refused, never taken as empty. A
        count that disagrees with the names is a warning: the names are the facts."""
        text, tail_count = cut_count_tail(text, self.language)
        expected = expected if expected is not None else tail_count
        names = split_names(text, self.language, expected)
        if not names:
            self.problem(entry, _("this sentence names a list, but no name could be read in it"))
            return names
        for name in names:
            if not looks_like_name(name, self.language):
                self.problem(entry, _("“%(name)s” does not look like a name") % {"name": name})
        if expected is not None and len(names) != expected:
            self.warn(entry, mismatch % {"expected": expected, "count": len(names)})
        return names

    def parse_routine(self, entry, folded, original):
        patterns = [ROUTINE_ZH] if self.language == CHINESE else ROUTINE_EN
        match = next(filter(None, (pattern.match(folded) for pattern in patterns)), None)
        if not match:
            return None
        handled = strip_article(original[slice(*match.span("handled"))])
        handled = re.sub(r"^(?:其中|另外|此外)[,，]?", "", handled)
        listed = original[slice(*match.span("list"))]
        says_etc = closes_with_etc(listed, self.language) or folded[match.end("list") :].startswith(
            "等"
        )
        if self.language == ENGLISH:
            listed = LIST_END_EN.split(listed)[0]
        handlers = self.names(entry, listed)
        note = RoutineNote(handled, handlers, entry.number, entry.text)
        note.handlers_not_exhaustive = names_only_some(says_etc, None, handlers)
        return lambda: self.notes.append(note)

    def parse_institutions(self, entry, folded, original):
        patterns = INSTITUTIONS_ZH if self.language == CHINESE else INSTITUTIONS_EN
        for pattern in patterns:
            match = pattern.search(folded)
            if match and match.group("list").strip(" :,.;。"):
                break
        else:
            return None
        groups = match.groupdict()
        count = groups.get("count") or groups.get("count2")
        start, end = match.span("list")
        listed = original[start:end]
        rest = original[match.start("rest") :] if groups.get("rest") is not None else ""
        end_pattern = LIST_END_ZH if self.language == CHINESE else LIST_END_EN
        cut = end_pattern.search(fold(listed))
        closing = folded[match.end("list") : match.end("list") + 1] + (cut.group(0) if cut else "")
        says_etc = closing.startswith("等") or bool(re.search(r"\betc\b", closing, re.I))
        if cut:
            if cut.groupdict().get("count"):
                count = count or cut.group("count")
            rest = listed[cut.end() :] + rest
            listed = listed[: cut.start()]
        expected = count_value(count) if count else None
        rest_actions = []
        rest = re.sub(r"^[\s,，;；。.]*(?:and\s+)?", "", rest, flags=re.I).strip()
        if rest:
            for sentence in split_sentences(rest, self.language):
                action = self.parse_sentence(entry, sentence)
                if action is None:
                    return None
                rest_actions.append(action)
        mismatch = _("the page says %(expected)s institutions but lists %(count)s")
        names = self.names(entry, listed, expected, mismatch)

        def record():
            for name in names:
                self.page.institutions.append(ParsedInstitution(name, entry.number))
            if names_only_some(says_etc, expected, names):
                self.page.not_exhaustive.append("institutions")
            for action in rest_actions:
                action()

        return record

    def parse_units(self, entry, folded, original):
        patterns = UNITS_ZH if self.language == CHINESE else UNITS_EN
        for pattern in patterns:
            match = pattern.search(folded)
            if match:
                break
        else:
            return None
        count = match.groupdict().get("count")
        expected = count_value(count) if count else None
        if count and expected is None:
            return None
        rest = original[slice(*match.span("rest"))]
        splitter = MANAGES_ZH if self.language == CHINESE else MANAGES_EN
        manages = splitter.search(fold(rest))
        direct, managed = (
            (rest[: manages.start()], rest[manages.end() :]) if manages else (rest, "")
        )
        direct = direct.strip(" ,，:：")
        mismatch = _("the page says %(expected)s directly affiliated units but lists %(count)s")
        if direct:
            direct_names = self.names(entry, direct, expected, mismatch)
        else:
            direct_names = []
            if expected:
                self.warn(entry, mismatch % {"expected": expected, "count": 0})
        managed_names = self.managed_names(entry, managed) if managed.strip() else []
        partial = [
            relation
            for relation, text, names, count in (
                (AffiliatedUnit.Relation.DIRECTLY_AFFILIATED, direct, direct_names, expected),
                (AffiliatedUnit.Relation.MANAGED, managed, managed_names, None),
            )
            if names and names_only_some(closes_with_etc(text, self.language), count, names)
        ]

        def record():
            self.direct.extend((name, entry.number) for name in direct_names)
            self.managed.extend((name, entry.number) for name in managed_names)
            self.page.not_exhaustive.extend(partial)

        return record

    def managed_names(self, entry, text):
        text = text.strip().rstrip(".。")
        match = re.match(
            rf"^(?P<count>{COUNT}|[a-z-]+)\s*(?:个)?\s*(?:units?|单位)\s*[,:]?\s*"
            r"(?:including|namely|包括|即)?\s*[:]?\s*",
            fold(text),
            re.I,
        )
        expected = None
        if match and count_value(match.group("count")) is not None:
            expected = count_value(match.group("count"))
            text = text[match.end() :]
        mismatch = _("the page says %(expected)s managed units but lists %(count)s")
        return self.names(entry, text, expected, mismatch)

    def parse_managed(self, entry, folded, original):
        match = (MANAGED_ZH if self.language == CHINESE else MANAGED_EN).match(folded)
        if not match:
            return None
        subject = re.sub(r"^(?:in\s+addition|besides|此外)[,，]?\s*", "", match.group("subject"))
        own_name = strip_article(self.page.name).lower()
        if (
            subject.strip().lower() not in SELF_SUBJECTS
            and strip_article(subject).lower() != own_name
        ):
            return None
        names = self.managed_names(entry, original[slice(*match.span("rest"))])
        return lambda: self.managed.extend((name, entry.number) for name in names)

    def resolve(self, note):
        entry = Entry(note.line, note.text, "text")
        institutions = self.page.institutions
        handled = match_name(note.handled, [item.name for item in institutions], self.language)
        if handled is None:
            self.problem(
                entry, _("no listed institution matches “%(name)s”") % {"name": note.handled}
            )
            return
        institutions[handled].full_name = note.handled
        institutions[handled].handlers_not_exhaustive = note.handlers_not_exhaustive
        for name in note.handlers:
            candidates = [
                item.name if index != handled else None for index, item in enumerate(institutions)
            ]
            index = match_name(name, candidates, self.language)
            if index is None:
                self.problem(entry, _("no listed institution matches “%(name)s”") % {"name": name})
                continue
            institutions[index].full_name = name
            if index not in institutions[handled].handlers:
                institutions[handled].handlers.append(index)
