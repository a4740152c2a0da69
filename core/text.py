"""Language-aware wording: numbers as words and lists joined as a sentence.

Both follow the active language (``translation.get_language()``), so callers
outside a request wrap them in ``translation.override(...)``.
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

ENGLISH_UNITS = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
ENGLISH_TENS = [
    *("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"),
]
CHINESE_DIGITS = "零一二三四五六七八九"


def is_chinese(language=None):
    return (language or translation.get_language() or "").startswith("zh")


def english_number(number):
    if number < 20:
        return ENGLISH_UNITS[number]
    tens, units = divmod(number, 10)
    return ENGLISH_TENS[tens] + ("-" + ENGLISH_UNITS[units] if units else "")


def chinese_number(number):
    if number < 10:
        return CHINESE_DIGITS[number]
    tens, units = divmod(number, 10)
    return (
        ("" if tens == 1 else CHINESE_DIGITS[tens])
        + "十"
        + (CHINESE_DIGITS[units] if units else "")
    )


def number_in_words(number, language=None):
    """A count before its measure word: ``4`` as "four" or "四" (四个).

    Chinese counts two of something with 两 (两个, never 二个); 二 stays
    in ordinals (``item_number``) and inside numbers (十二, 二十二).
    Numbers from 100 on stay in digits.
    """
    if not 0 <= number < 100:
        return str(number)
    if not is_chinese(language):
        return english_number(number)
    return "两" if number == 2 else chinese_number(number)


def large_number(number, language=None):
    """``20_000_000`` as "20 million" or "2000万": each language's unit for large numbers.

    Numbers that are not whole millions (English) or whole 万 (Chinese) stay in digits.
    """
    if is_chinese(language):
        for unit, name in ((100_000_000, "亿"), (10_000, "万")):
            if number >= unit and number % unit == 0:
                return f"{number // unit}{name}"
        return str(number)
    if number >= 1_000_000 and number % 1_000_000 == 0:
        return f"{number // 1_000_000:,} million"
    return f"{number:,}"


def item_number(number, language=None):
    """The label of a numbered item: "(4)" in English, "（四）" in Chinese."""
    if is_chinese(language):
        return f"（{chinese_number(number) if 0 < number < 100 else number}）"
    return f"({number})"


def list_separator():
    """What separates the items of a list written inline: ", " or "、"."""
    return pgettext("separator between items of a list", ", ")


def join_list(items, *, exhaustive=True, counted=False):
    """Join names as a sentence does: "A, B, and C" or "A、B和C".

    ``exhaustive=False``: the names are only some of them, "A, B, C, etc." ("A、B、C等").
    ``counted=True``: the names are all of them and their count follows, as in "设A、B、
    C等三个直属单位" (Chinese closes such a list with 等 and no 和); English joins them
    as usual.
    """
    items = [str(item) for item in items]
    separator = list_separator()
    if not exhaustive:
        return pgettext("a list that names only some of its items", "%(items)s, etc.") % {
            "items": separator.join(items)
        }
    if len(items) <= 1:
        return "".join(items)
    if counted:
        if len(items) == 2:
            return pgettext("a complete list followed by its count", "%(first)s and %(second)s") % {
                "first": items[0],
                "second": items[1],
            }
        return pgettext("a complete list followed by its count", "%(items)s, and %(last)s") % {
            "items": separator.join(items[:-1]),
            "last": items[-1],
        }
    if len(items) == 2:
        return _("%(first)s and %(second)s") % {"first": items[0], "second": items[1]}
    return _("%(items)s, and %(last)s") % {"items": separator.join(items[:-1]), "last": items[-1]}


# A full stop doubled by an abbreviation that ends a sentence ("…, etc.."); not an ellipsis.
DOUBLED_FULL_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def with_one_full_stop(sentence):
    """The sentence without the full stop doubled when a list that ends it ends with
    "etc." ("handled by the A, B, etc.." → "…, etc.")."""
    return DOUBLED_FULL_STOP.sub(".", sentence)


# A sentence ends with one of these (in English, before a space).
SENTENCE_ENDS = ".!?。！？"
# A text ending with a sentence that ends with a colon: the lead-in to a list that follows it.
TRAILING_LEAD_IN = re.compile(rf"(?<=[{SENTENCE_ENDS}])\s*[^{SENTENCE_ENDS}]*[:：]\s*$")
# The sentence boundaries where a long summary may be cut.
SENTENCE_BOUNDARY = re.compile(r"[.!?](?=\s|$)|[。！？]")
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160


def without_lead_in(text):
    """The text without its last sentence when that sentence leads into a list.

    A department's introduction ends with "Its main responsibilities include:"
    ("主要职责是：") because the page's numbered list follows it; read on its own
    (a search result's description, a feed entry, structured data) the sentence
    dangles. A text that is nothing but a lead-in loses only its colon.
    """
    text = text.strip()
    shortened = TRAILING_LEAD_IN.sub("", text)
    if shortened != text:
        return shortened
    return text.rstrip(":：").rstrip()


def summary(text, length=DESCRIPTION_LENGTH):
    """At most ``length`` characters of the text, without a dangling lead-in, to describe a page.

    Cut after the last whole sentence that fits; when not even the first sentence
    fits, after the last whole word (English) or at a character (Chinese, which
    has no spaces), with an ellipsis.
    """
    text = " ".join(without_lead_in(text).split())
    if len(text) <= length:
        return text
    ends = [match.end() for match in SENTENCE_BOUNDARY.finditer(text, 0, length + 1)]
    if ends:
        return text[: ends[-1]]
    cut = text[: length - 1]
    if " " in cut and text[length - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:，；：、") + "…"
