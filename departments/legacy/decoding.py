"""Bytes to lines: the size limits, the encodings of an export, and plain text's lines."""

import codecs
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.text import large_number

from .problems import ImportRefused, Problem

MAX_FILE_SIZE = 2 * 1024 * 1024
# Reading a page costs more than linear time in its lines. A structure page has under a
# hundred lines of text (the seed page 73; a saved HTML page a few hundred lines of markup),
# so a file far longer is no structure page: it is refused before it is decoded (line breaks
# and block tags counted in its bytes) or read (lines of text).
MAX_FILE_LINES = 20_000
MAX_PAGE_LINES = 1_000
BLOCK_TAGS = re.compile(rb"<(?:p|br|div|li|tr|h[1-6])\b", re.I)
HTML_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml")
EXPORT_SUFFIXES = (".txt", ".text", *HTML_SUFFIXES)

GB_CHARSETS = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "csgb2312", "hz-gb-2312"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
SPACES = re.compile(r"\s+")


def decode(data):
    """The text of an export: a byte-order mark decides, else UTF-8, the declared charset,
    GB18030, in this order (valid UTF-8 is almost never Chinese in another encoding)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break
    candidates = ["utf-8"]
    declared = META_CHARSET.search(data[:8192])
    if declared:
        charset = declared.group(1).decode("ascii").lower()
        candidates.append("gb18030" if charset in GB_CHARSETS else charset)
    candidates.append("gb18030")
    for codec in candidates:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportRefused([Problem(None, "", _("The file is neither UTF-8 nor GB18030 text."))])


def words(text):
    return text.split()


def clean_text(text):
    return SPACES.sub(" ", INVISIBLE.sub("", text)).strip()


@dataclass
class Line:
    number: int
    text: str
    blank_before: bool
    # An HTML page's heading (h1-h3): its title, or a section's.
    heading: bool = False


def text_lines(text):
    lines, blank = [], True
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        cleaned = clean_text(raw)
        if not cleaned:
            blank = True
            continue
        lines.append(Line(number, cleaned, blank))
        blank = False
    return lines


def refuse_oversized(data):
    """ImportRefused when the bytes cannot be a structure page: far too large or too long.

    Costs milliseconds, whatever the file: nothing is decoded.
    """
    if len(data) > MAX_FILE_SIZE:
        raise ImportRefused([Problem(None, "", _("The file is too large for a structure page."))])
    if data.count(b"\n") + len(BLOCK_TAGS.findall(data)) > MAX_FILE_LINES:
        message = _(
            "The file has more than %(limit)s lines, far more than any structure page; "
            "it was not read."
        ) % {"limit": large_number(MAX_FILE_LINES)}
        raise ImportRefused([Problem(None, "", message)])
