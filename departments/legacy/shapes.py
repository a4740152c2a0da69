"""The shape of a line before its meaning: boilerplate, a date, a heading, a label, a marker."""

import re
from dataclasses import dataclass

from .contact_lines import contact_kind
from .decoding import Line
from .names import chinese_number
from .vocabulary import (
    ARTICLE,
    BOILERPLATE,
    CHINESE,
    CJK,
    DATE_LINE,
    ENGLISH,
    HEADING,
    INLINE_MARKER,
    LABEL,
    LATIN,
    MARKER,
    META,
    SYMBOLS_ONLY,
    fold,
)


def labelled_fields(folded):
    """[(label span, value span)] of a "Label: value [Label: value ...]" line, or []."""
    starts = []
    for match in LABEL.finditer(folded):
        begin = match.start("label")
        if begin and not re.match(r"[\s,;|/、]", folded[begin - 1]):
            continue
        if contact_kind(match.group("label")) is None:
            continue
        starts.append(match)
    if not starts or starts[0].start() != 0:
        return []
    fields = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(folded)
        fields.append((match.span("label"), (match.end(), end)))
    return fields


def date_match(folded):
    match = DATE_LINE.match(folded)
    if not match:
        return None
    rest = match.group("rest").strip(" |,;")
    if rest and not (META.match(rest) or is_boilerplate(rest)):
        return None
    return match


def date_values(match):
    """{"year": 2021, "month": 3, "day": 15, "hour": 0, ...} of a ``date_match``."""
    names = ("year", "month", "day", "hour", "minute", "second")
    values = {name: int(match.group(name) or 0) for name in names}
    if match.group("day_first"):
        values["year"] = int(match.group("year_last"))
        values["month"] = int(match.group("month_second"))
        values["day"] = int(match.group("day_first"))
    return values


def is_boilerplate(text):
    folded = fold(text)
    return bool(SYMBOLS_ONLY.match(folded)) or any(
        pattern.search(folded) for pattern in BOILERPLATE
    )


def surface(text):
    """The shape of a line before its meaning: how lines are joined and first sorted."""
    folded = fold(text)
    if is_boilerplate(text):
        return "boilerplate"
    if date_match(folded):
        return "date"
    heading = HEADING.match(folded)
    if heading and (
        not heading.group("rest") or heading.group("institutions") or heading.group("units")
    ):
        return "heading"
    if labelled_fields(folded):
        return "label"
    if MARKER.match(folded):
        return "marker"
    if ARTICLE.match(folded):
        return "article"
    return "text"


def split_inline_items(line):
    """A paragraph holding a whole list ("... include: (1) ... (2) ...") as one line per item.

    Only bracketed numbers counting up from 1, each at the start or after a space
    or the end of a sentence, split a line; "(110)" in a text does not.
    """
    folded = fold(line.text)
    starts, expected = [], 1
    for match in INLINE_MARKER.finditer(folded):
        number = match.group(1)
        value = int(number) if number.isdigit() else chinese_number(number)
        before = folded[: match.start()].rstrip()
        if value == expected and (
            not before or re.search(r"[\s:.;。；!?！？]$", folded[: match.start()])
        ):
            starts.append(match.start())
            expected += 1
    if len(starts) < 2:
        return [line]
    lead = folded[: starts[0]].rstrip()
    if lead and not lead.endswith(":"):
        return [line]
    bounds = [*starts, len(line.text)]
    pieces = [Line(line.number, line.text[: starts[0]].strip(), line.blank_before)]
    pieces += [
        Line(line.number, line.text[start:end].strip(), False)
        for start, end in zip(bounds, bounds[1:], strict=False)
    ]
    return [piece for piece in pieces if piece.text]


def detect_language(lines):
    text = " ".join(line.text for line in lines if not is_boilerplate(line.text))
    text = re.sub(r"(?:https?://|www\.)\S+|\S+@\S+", " ", text)
    return CHINESE if len(CJK.findall(text)) > len(LATIN.findall(text)) else ENGLISH


def join_wrapped(before, after):
    if CJK.match(after[:1]) or CJK.match(before[-1:]):
        return before + after
    return f"{before} {after}"


@dataclass
class Entry:
    """A logical line: one line of the export, or several the export wrapped."""

    number: int
    text: str
    tag: str
    mergeable: bool = True
