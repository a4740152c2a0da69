"""Contact lines: which kind a label names, and the values (with their annotations) it gives.

"Telephone: 0571-86757001 ext. 8001" is one telephone labelled "Telephone (ext. 8001)"
whose value is 0571-86757001; "网址：http://a/（中文版）、http://b/（英文版）" two websites
labelled "网址（中文版）" and "网址（英文版）". An annotation goes into the label, never into
the value, because a value must validate (a telephone holds only digits, spaces and
"()-+") and be followed as it is: the page links a telephone as ``tel:``, which must dial
the switchboard while the citizen reads the extension beside it.
"""

import re

from contacts.models import ContactKind

from .decoding import clean_text
from .vocabulary import (
    ANNOTATION,
    CJK,
    CONTACT_KINDS,
    EMAIL_SEPARATOR,
    EXTENSION,
    VALUE_SEPARATOR,
    WEB_ADDRESS_START,
    fold,
)

NUMBER_KINDS = (ContactKind.TELEPHONE, ContactKind.COMPLAINT_TELEPHONE, ContactKind.FAX)
# Kinds whose value ends where an annotation begins; an address keeps its brackets.
ANNOTATED_KINDS = (*NUMBER_KINDS, ContactKind.EMAIL, ContactKind.WEBSITE, ContactKind.POSTCODE)
# An annotation hidden while a field is split: "(\x00" + its index + ")".
PLACEHOLDER = re.compile("\\(\x00(\\d+)\\)")
# What may be left between two web addresses: "http://a/ (Chinese) / http://b/".
BETWEEN_ADDRESSES = re.compile(r"(?:\s*(?:[,;、|]|\s/|\bor\b|或))+\s*$", re.I)


def contact_kind(label):
    """The ContactKind a label names ("Public Telephone", "邮编", "邮　　编"), or None."""
    label = without_padding(label).lower()
    for kind, pattern in CONTACT_KINDS:
        if CJK.search(label):
            if re.search(pattern, label):
                return kind
        elif re.search(rf"\b(?:{pattern})\b", label):
            return kind
    return None


def without_padding(text):
    """ "地　　址" → "地址": spaces between Chinese characters only align a column."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])", "", clean_text(text))


def contact_label(text):
    """A label cell or field as the label it is: without its colon or padding."""
    return without_padding(text).rstrip(" :：").strip()


def annotated_label(label, notes):
    """ "Telephone" + ["ext. 8001"] → "Telephone (ext. 8001)";
    "电话" + ["转8001"] → "电话（转8001）"."""
    if not notes:
        return label
    if CJK.search(label):
        return f"{label}（{'，'.join(notes)}）"
    return f"{label} ({', '.join(notes)})"


def note_text(note):
    note = clean_text(note)
    # Chinese is written without spaces around its words: "转 8001" → "转8001".
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])", "", note)


def split_annotations(value, kind):
    """(the value, [its annotations]): trailing bracketed words and, for a number, an extension."""
    notes = []
    while True:
        match = ANNOTATION.search(value)
        if not match and kind in NUMBER_KINDS:
            match = EXTENSION.search(value)
        if not match:
            return value.strip(), notes
        notes.insert(0, note_text(match.group("note")))
        value = value[: match.start()]


def split_values(text, kind):
    """The pieces of a field's text, one a value (each with its annotations still after it)."""
    # Brackets holding words are annotations: nothing inside them separates two values.
    brackets = []

    def hide(match):
        brackets.append(match.group(0))
        return f"(\x00{len(brackets) - 1})"

    hidden = re.sub(r"\([^()]*[A-Za-z\u4e00-\u9fff][^()]*\)", hide, text)
    if kind == ContactKind.WEBSITE:
        starts = [match.start() for match in WEB_ADDRESS_START.finditer(hidden)]
        bounds = [0, *[start for start in starts if start], len(hidden)]
        pieces = [hidden[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
        pieces = [BETWEEN_ADDRESSES.sub("", piece).strip(" ,;、") for piece in pieces]
    elif kind == ContactKind.EMAIL:
        pieces = EMAIL_SEPARATOR.split(hidden)
    elif kind in NUMBER_KINDS:
        pieces = []
        for piece in VALUE_SEPARATOR.split(hidden):
            tokens = piece.split()
            # "0571-87051234 0571-87051235": numbers side by side, each long enough to dial.
            if len(tokens) > 1 and all(
                re.fullmatch(r"\+?[\d()\-]+", token) and len(re.sub(r"\D", "", token)) >= 7
                for token in tokens
            ):
                pieces.extend(tokens)
            else:
                pieces.append(piece)
    else:
        pieces = [hidden]

    # An annotation split off by a space ("a@b.cn (office)") stays with its value.
    joined = []
    for piece in pieces:
        if joined and PLACEHOLDER.fullmatch(piece.strip()):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)

    def shown(piece):
        return PLACEHOLDER.sub(lambda match: brackets[int(match.group(1))], piece).strip()

    return [shown(piece) for piece in joined if shown(piece)]


def contact_values(kind, raw):
    """[(value, [annotations])] of a field: "0571-1 / 0571-2 (24 hours)" gives two numbers,
    the second annotated; an address is one value, brackets and all."""
    if kind not in ANNOTATED_KINDS:
        value = clean_text(raw)
        return [(value, [])] if value else []
    values = []
    for piece in split_values(fold(raw).strip(" 。."), kind):
        value, notes = split_annotations(piece, kind)
        if kind == ContactKind.WEBSITE and value.lower().startswith("www."):
            value = "http://" + value
        if value:
            values.append((value, notes))
    return values
