"""Imports departments' structure pages exported from a legacy CMS.

A legacy export is one page per department, as plain text or as a saved HTML
page, in UTF-8 or GB18030 (GBK, GB2312). ``parse_export`` turns it into a
``Page``: the department's name, its date, introduction, numbered
responsibilities, internal institutions (with the "routine work ... is handled
by ..." notes), affiliated units (directly affiliated or managed) and contacts.
``run_import`` writes pages into the department *drafts*; it never publishes
unless asked to (``ImportOptions.publish``), so a publisher reviews first.

Reading a page
--------------
Lines are classified by their shape, never by a sample's exact wording:
boilerplate (breadcrumbs, "print close", "Produced By ...", "【打印】【关闭】",
source and view counters) and section headings ("Institutional functions:",
"内设机构") are skipped; a date line ("Date:2020-09-01 09:09", "发布日期：...",
"2020年9月1日") gives the publication date (Beijing time); the first other
line is the department's name; what comes before the first numbered item is
the introduction, kept verbatim ("Article 1 ... Article 3 ... Its main
responsibilities include:" provisions included, one paragraph a line); numbered
items ("(1)", "1.", "1、", "（一）", "一、", "①", or bullets) are the
responsibilities, in order and numbered without gaps; after them come
sentences listing the institutions, the routine-work notes and the affiliated
units (with their count word checked against the list), and "Label: value"
contact lines in English or Chinese (several numbers on one line make several
contacts). Lines wrapped by the export (no blank line between, the previous
line not ending a sentence) are joined. A line that fits none of these is
reported with its number, and the page is refused as a whole.

The language of a page is Chinese when most of its letters are CJK; it is
imported into that language's columns only (``name_zh_hans``, ``text_en``...).

Which department
----------------
With a slug (``--slug``) the draft with that slug is updated, or created with
it. Otherwise the draft whose name in the page's language equals the page's
name; otherwise, for an English page, the draft whose slug is the slugified
name, or a new draft with that slug. A Chinese page that matches nothing needs
a slug (no pinyin is made up), and is refused without one.

Lists: one rule for every language
----------------------------------
An import replaces the page language's column of each list and leaves the
other language's column alone. Rows are matched by position: responsibilities
and institutions by their order, affiliated units by their order within their
relation (directly affiliated, then managed), contacts by their order within
their kind. Rows beyond the page's count are deleted (in every language), and
missing ones are created with the other language's column empty, where the
public pages fall back to English. "Routine work handled by" links and the
order of rows are not translated: the page being imported sets them.

Each page is written in one transaction with one revision ("Imported from
<file>"); a page that changes nothing writes nothing. A refused page writes
nothing either, and the other pages are imported all the same.
"""

import codecs
import difflib
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from os.path import commonprefix
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from contacts.models import Contact, ContactKind
from core.models import generate_code
from core.text import large_number

from . import services
from .models import (
    AffiliatedUnit,
    Department,
    DepartmentKind,
    Government,
    Institution,
    PublicationState,
    Responsibility,
)

ENGLISH = "en"
CHINESE = "zh-hans"
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


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class Problem:
    """Why a page is refused: a line it could not place (or the page as a whole)."""

    line: int | None
    text: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return f"line {self.line}: {self.text} ({self.message})"


# Reading: bytes to lines.

GB_CHARSETS = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "csgb2312", "hz-gb-2312"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|p|div|br|table|span|h[1-6]|ul|ol|li)\b[^>]*>", re.I
)
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


class HTMLText(HTMLParser):
    """The lines a reader sees in a saved page, numbered by the source line they start on.

    Block elements separate paragraphs, ``<br>`` separates lines, table cells
    are joined by a space, ordered list items get their number. The head,
    scripts, navigation and (outside an ``<article>`` or ``<main>``) the site's
    header and footer are left out.
    """

    BLOCKS = words(
        "address article aside blockquote body caption center dd div dl dt fieldset figcaption "
        "figure footer h1 h2 h3 h4 h5 h6 header hr li main ol p pre section table tbody tfoot "
        "thead tr ul"
    )
    HIDDEN = words(
        "head title script style noscript template iframe select textarea button svg nav object map"
    )
    CHROME = frozenset(("header", "footer"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.parts = []
        self.first_line = None
        self.blank = True
        self.hidden = []
        self.content = 0
        self.lists = []
        self.marker = None
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.hidden = [name for name in self.hidden if name not in ("head", "title")]
        if tag in self.HIDDEN or (tag in self.CHROME and not self.content):
            self.hidden.append(tag)
            return
        if self.hidden:
            return
        if tag in ("article", "main"):
            self.content += 1
        if tag == "br":
            self.end_line(paragraph=False)
        elif tag in self.BLOCKS:
            self.end_line(paragraph=True)
        elif tag in ("td", "th"):
            self.parts.append(" ")
        if tag == "pre":
            self.pre += 1
        elif tag == "ol":
            try:
                start = int(dict(attrs).get("start") or 1)
            except ValueError:
                start = 1
            self.lists.append([start - 1, True])
        elif tag == "ul":
            self.lists.append([0, False])
        elif tag == "li":
            if not self.lists:
                self.lists.append([0, False])
            self.lists[-1][0] += 1
            number, ordered = self.lists[-1]
            self.marker = f"{number}. " if ordered else "• "

    def handle_endtag(self, tag):
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
            return
        if self.hidden:
            return
        if tag in ("article", "main") and self.content:
            self.content -= 1
        if tag in self.BLOCKS:
            self.end_line(paragraph=True)
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data):
        if self.hidden:
            return
        line = self.getpos()[0]
        chunks = data.split("\n") if self.pre else [data]
        for index, chunk in enumerate(chunks):
            if index:
                self.end_line(paragraph=False)
            if self.first_line is None and chunk.strip():
                leading = chunk[: len(chunk) - len(chunk.lstrip())]
                offset = index if self.pre else leading.count("\n")
                self.first_line = line + offset
            self.parts.append(chunk)

    def end_line(self, paragraph):
        text = clean_text("".join(self.parts))
        if text:
            if self.marker and not MARKER.match(fold(text)):
                text = self.marker + text
            self.marker = None
            self.lines.append(Line(self.first_line or 1, text, self.blank))
            self.blank = False
        if paragraph:
            self.blank = True
        self.parts = []
        self.first_line = None

    def close(self):
        super().close()
        self.end_line(paragraph=True)


def html_lines(text):
    parser = HTMLText()
    parser.feed(text)
    parser.close()
    return parser.lines


def is_html(name, text):
    return name.lower().endswith(HTML_SUFFIXES) or bool(HTML_SNIFF.search(text[:5000]))


# Shapes of lines. Patterns run on the "folded" text, where full-width ASCII
# (（１）：，；) is half-width; folding keeps every character's position, so a
# match's span also cuts the original text.

FOLD = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
CN_DIGITS = "零〇一二三四五六七八九十百两"
COUNT = rf"(?:\d+|[{CN_DIGITS}]+)"


def fold(text):
    return text.translate(FOLD)


MARKER = re.compile(
    r"^(?:"
    r"\(\s*(?P<paren>\d{1,3})\s*\)"
    rf"|\(\s*(?P<paren_cn>[{CN_DIGITS}]{{1,4}})\s*\)"
    r"|(?P<arabic>\d{1,3})\s*[.、)](?!\d)"
    rf"|(?P<cn>[{CN_DIGITS}]{{1,4}})\s*[、.]"
    r"|(?P<circled>[\u2460-\u2473])"
    r"|(?P<bullet>[•·●○▪■◆◇◦*\-–])(?=\s)"
    r")\s*"
)
ARTICLE = re.compile(rf"^(?:article\s+\d+|第\s*[{CN_DIGITS}\d]+\s*条)\s*[.:]?\s*", re.I)
TERMINAL = re.compile(r"[.。!?！？;；:：]$")
# A wrapped line continues the one before unless that one ends a sentence; a colon
# does not end it ("... the following internal institutions:" + the list).
SENTENCE_END = re.compile(r"[.。!?！？;；]$")
# Shorter lines were not wrapped by the export: they are lines of their own.
WRAPPED_LENGTH = 20
LIST_SECTIONS = ("institutions", "units", "contacts", "leaders")

DATE_LABEL = (
    r"(?:date|published|publication\s+date|date\s+of\s+publication|release\s+date|"
    r"release\s+time|publish(?:ed)?\s+time|time|发布日期|发布时间|日期|时间|成文日期|发文日期)"
)
DATE_VALUE = (
    r"(?P<year>\d{4})\s*(?:[-/.]|年)\s*(?P<month>\d{1,2})\s*(?:[-/.]|月)\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*(?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{1,2})(?:\s*[:分]\s*(?P<second>\d{1,2})秒?)?)?"
)
DATE_LINE = re.compile(rf"^(?:{DATE_LABEL}\s*:\s*)?{DATE_VALUE}\s*(?P<rest>.*)$", re.I)
META = re.compile(
    r"^[\[【(]?\s*(?:来源|信息来源|文章来源|浏览次数|浏览量|点击数|点击量|访问量|阅读次数|作者|"
    r"责任编辑|编辑|字体|字号|source|views|hits|author|editor|font\s+size|font)\s*[:：]",
    re.I,
)
BOILERPLATE = [
    # Breadcrumbs: "> GOVERNMENT > Government Structure", "首页 > 政务公开".
    re.compile(r"^(?:>|»|›|&gt;)"),
    re.compile(r"^[^.。;；]{0,120}?\s(?:>|»|›|>>)\s[^.。;；]{0,120}$"),
    re.compile(
        r"^(?:当前位置|您现在的位置|您的位置|现在位置|所在位置|you\s+are\s+here|current\s+location)"
        r"\s*[:：]",
        re.I,
    ),
    # Buttons: print, close, font size, share.
    re.compile(
        r"^(?:[\s\[\]【】|/·•:：,，()]*(?:print(?:\s+this\s+page)?|close(?:\s+window)?|"
        r"back(?:\s+to\s+top)?|top|share(?:\s+to)?|font(?:\s+size)?|[aA][+-]?|large|medium|"
        r"small|打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回(?:顶部)?|分享(?:到)?|收藏|字[体号]|"
        r"[大中小]|默认|扫一扫|在手机上查看|打开手机浏览器)[\s\[\]【】|/·•:：,，()]*)+$",
        re.I,
    ),
    # Footers.
    re.compile(
        r"^(?:produced\s+by|powered\s+by|copyright|©|\(c\)\s|all\s+rights\s+reserved|"
        r"sponsored\s+by|hosted\s+by|maintained\s+by|technical\s+support|版权所有|主办单位|"
        r"主办\s*[:：]|承办单位|承办\s*[:：]|技术支持|网站标识码|政府网站标识码|网站地图)",
        re.I,
    ),
    re.compile(r"ICP\s*备|公网安备"),
    META,
]
SYMBOLS_ONLY = re.compile(r"^[\W_]+$")

HEADINGS = {
    "functions": (
        r"institutional\s+functions|functions(?:\s+and\s+responsibilities)?|main\s+functions|"
        r"(?:main\s+)?responsibilities|(?:main\s+)?duties|government\s+structure|机构职能|"
        r"主要职能|主要职责|职能职责|部门职责|工作职责|机构职责|职责|职能|政府机构|组织机构"
    ),
    "institutions": (
        r"internal\s+(?:institutions|organs|divisions|structure)|institutions|内设机构|机构设置|"
        r"内设处室"
    ),
    "units": (
        r"(?:directly\s+)?affiliated\s+(?:units|institutions)|subordinate\s+units|直属单位|"
        r"下属单位|直属事业单位|所属单位"
    ),
    "contacts": (
        r"contact(?:s|\s+us|\s+information|\s+details)?|联系方式|联系我们|联系信息|联系办法"
    ),
    "introduction": r"introduction|overview|about(?:\s+us)?|profile|机构简介|简介|概况|机构概况",
    "leaders": (
        r"leaders?|leadership|(?:current\s+)?leading\s+officials|领导|领导信息|领导班子|现任领导"
    ),
}
HEADING = re.compile(
    rf"^(?:{MARKER.pattern[1:]})?(?P<heading>"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in HEADINGS.items())
    + r")\s*(?:\([^)]*\))?\s*(?:[:.]\s*(?P<rest>.*))?$",
    re.I,
)

CONTACT_KINDS = [
    (ContactKind.EMAIL, r"e-?mail|electronic\s+mail|邮箱|电子邮箱|电子信箱|电子邮件|邮件地址|信箱"),
    (ContactKind.WEBSITE, r"website|web\s*site|web|url|home\s*page|网址|网站|门户网站|主页"),
    (ContactKind.POSTCODE, r"post\s*code|postal\s+code|zip(?:\s*code)?|邮编|邮政编码"),
    (ContactKind.COMPLAINT_TELEPHONE, r"complaints?|投诉|监督电话|举报电话"),
    (ContactKind.FAX, r"fax|facsimile|传真"),
    (
        ContactKind.OFFICE_HOURS,
        r"(?:office|working|opening|business|reception)\s+hours|hours|办公时间|工作时间|"
        r"接待时间|服务时间|上班时间",
    ),
    (ContactKind.TELEPHONE, r"tel|telephone|phone|hotline|电话|热线|值班"),
    (ContactKind.ADDRESS, r"address|地址|办公地点|地点"),
]
LABEL = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z-]*(?:[ /][A-Za-z][A-Za-z-]*){0,3}|[\u4e00-\u9fff]{1,8})\s*:"
)
NAME_MAX = 200


def contact_kind(label):
    """The ContactKind a label names ("Public Telephone", "邮编"), or None."""
    label = label.lower()
    for kind, pattern in CONTACT_KINDS:
        if CJK.search(label):
            if re.search(pattern, label):
                return kind
        elif re.search(rf"\b(?:{pattern})\b", label):
            return kind
    return None


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


INLINE_MARKER = re.compile(rf"\(\s*(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*\)")


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


# Numbers.

EN_UNITS = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_VALUES |= {"六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text):
    total = current = 0
    for character in text:
        if character in CN_VALUES:
            current = CN_VALUES[character]
        elif character == "十":
            total += (current or 1) * 10
            current = 0
        elif character == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def count_value(word):
    """4, "four", "twenty-one", "四", "十二", "no" → the number; None if not a count."""
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word in ("no", "zero"):
        return 0
    if word in ("a", "an", "one", "single"):
        return 1
    if word in EN_UNITS:
        return EN_UNITS.index(word)
    tens, _dash, unit = word.partition("-")
    if tens in EN_TENS and (not unit or unit in EN_UNITS[1:10]):
        return EN_TENS[tens] + (EN_UNITS.index(unit) if unit else 0)
    if word and all(character in CN_DIGITS for character in word):
        return chinese_number(word)
    return None


def marker_number(match):
    for group in ("paren", "arabic"):
        if match.group(group):
            return int(match.group(group))
    for group in ("paren_cn", "cn"):
        if match.group(group):
            return chinese_number(match.group(group))
    if match.group("circled"):
        return ord(match.group("circled")) - 0x2460 + 1
    return None


def marker_style(match):
    return next(name for name, value in match.groupdict().items() if value)


# Lists of names: "A, B, C, and the D", "A、B、C和D".

EN_UNIT_NOUNS = (
    r"office|department|division|section|bureau|cent(?:re|er)|team|corps|institute|station|"
    r"hospital|school|prison|service|committee|commission|administration|academy|college|"
    r"university|association|agency|authority|brigade|detachment|group|museum|library|"
    r"laboratory|house|fund|company|court|hall|base|park|archives?"
)
ZH_UNIT_SUFFIX = (
    r"(?:处|室|局|部|所|队|中心|院|站|会|办|科|厅|委|组|馆|校|社|司|团|监狱|公司|基地|台|场|园)$"
)


def strip_article(name):
    return re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.I)


def looks_like_name(name, language):
    if not name or len(name) > NAME_MAX:
        return False
    if language == CHINESE:
        return len(name) <= 60 and not re.search(r"[。；;：:!?！？]", name)
    return len(name.split()) <= 16 and not re.search(r"[;:!?]|\.\s", name)


def and_split(part, language, force=False):
    """Splits "A and B" / "A和B" when both sides look like separate names (or when forced)."""
    if language == CHINESE:
        for match in re.finditer(r"以及|和|及|与", part):
            left, right = part[: match.start()], part[match.end() :]
            if left and right and (force or re.search(ZH_UNIT_SUFFIX, left)):
                return [left, right]
        return [part]
    match = re.search(r"\s+(?:and|as\s+well\s+as)\s+(?=the\s)", part, re.I)
    if match:
        return [part[: match.start()], part[match.end() :]]
    for match in re.finditer(r"\s+(?:and|as\s+well\s+as)\s+", part, re.I):
        left, right = part[: match.start()], part[match.end() :]
        if force or re.search(rf"\b(?:{EN_UNIT_NOUNS})$", left, re.I):
            return [left, right]
    return [part]


def split_names(text, language, expected=None):
    """The names of a list, in order; ``expected`` (a stated count) decides unclear "and"s."""
    separators = r"\s*[、,;]\s*" if language == CHINESE else r"\s*[,;]\s*"
    parts = [part.strip() for part in re.split(separators, text.strip().rstrip(".。"))]
    leading = r"^(?:以及|和|及|与)" if language == CHINESE else r"^(?:and|as\s+well\s+as)\s+"
    parts = [re.sub(leading, "", part, flags=re.I).strip() for part in parts]
    parts = [part for part in parts if part]

    def expand(force):
        names = []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            names.extend(and_split(part, language, force=force and last))
        return [strip_article(name) if language == ENGLISH else name for name in names]

    names = expand(force=False)
    if expected is not None and len(names) != expected:
        forced = expand(force=True)
        if len(forced) == expected:
            return forced
    return names


# Sentences after the responsibilities.

INSTITUTIONS_EN = [
    re.compile(
        r"\b(?:consists?\s+of|comprises?|is\s+composed\s+of|is\s+made\s+up\s+of|has|have|"
        r"sets?\s+up|establishes|contains?)\s+(?:the\s+following\s+)?(?:(?P<count>[\w-]+)\s+)?"
        r"(?:internal\s+)?(?:institutions|divisions|departments|offices|organs|bodies)\b"
        r"\s*,?\s*(?:including|includes|include|namely|as\s+follows|which\s+are|:)\s*:?\s*"
        r"(?P<list>.+)$",
        re.I,
    ),
    re.compile(
        r"^(?:its\s+|the\s+)?internal\s+(?:institutions|divisions|organs|departments)"
        r"(?:\s+of\s+.+?)?\s+(?:include|includes|are|consist\s+of)\s*:?\s*(?P<list>.+)$",
        re.I,
    ),
]
INSTITUTIONS_ZH = [
    re.compile(
        rf"(?:设有|下设|内设|设立|设置)(?P<list>[^。]+?)(?:等(?:(?P<count>{COUNT})个)?|"
        rf"(?P<count2>{COUNT})个)(?:内设)?(?:机构|处室|职能处室)(?P<rest>.*)$"
    ),
    re.compile(
        rf"(?:设有|下设|内设|设立|设置|设(?=下列|以下|如下))(?:下列|以下|如下)?"
        rf"(?:(?P<count>{COUNT})个)?(?:内设)?(?:机构|处室|职能处室)(?:有|包括|为|如下|是)?"
        r"[:,]?(?P<list>.+)$"
    ),
]
LIST_END_EN = re.compile(r",?\s*\betc\b\.?|,\s*(?=and\s+these\b)|\.\s*$", re.I)
LIST_END_ZH = re.compile(
    rf"等(?:(?P<count>{COUNT})个)?(?:内设)?(?:机构|处室|部门|单位)?(?=[,;。]|$)|[,;](?=这些|上述|以上|各)|[。;]"
)
FILLER = [
    re.compile(
        r"^(?:and\s+)?(?:these|the\s+above|all\s+these|all\s+the\s+above)\s+(?:institutions|"
        r"divisions|offices|departments)\s+(?:are\s+)?(?:responsible\s+for|undertake|"
        r"take\s+charge\s+of)\s+(?:the\s+)?(?:relevant|respective|related)\s+work\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:这些|上述|以上|各)(?:内设)?(?:机构|处室)(?:分别)?(?:负责|承担)(?:相关|有关|相应)(?:工作|职责)。?$"
    ),
]
ROUTINE_EN = re.compile(
    r"^(?:in\s+addition,?\s*|moreover,?\s*|besides,?\s*)?the\s+routine\s+work\s+of\s+(?:the\s+)?"
    r"(?P<handled>.+?)\s+is\s+(?:handled|undertaken|carried\s+out|performed|done|taken\s+on)\s+"
    r"by\s+(?:the\s+)?(?P<list>.+?)\.?$",
    re.I,
)
ROUTINE_ZH = re.compile(
    r"^(?:其中|另外|此外)?[,]?(?P<handled>[^,。]+?)的日常工作由(?P<list>.+?)"
    rf"(?:等(?:{COUNT}个(?:处室|机构|部门))?)?(?:承担|负责|办理|承办)(?:完成)?。?$"
)
UNITS_EN = [
    re.compile(
        r"\b(?:has|have|there\s+are)\s+(?P<count>[\w-]+)\s+(?:directly[\s-]+)?"
        r"(?:affiliated|subordinate)\s+(?:public\s+)?(?:units?|institutions?|organi[sz]ations?|"
        r"bodies)\b(?:\s+(?:directly\s+)?under\s+it)?\s*[,:]?\s*(?:(?:including|includes|"
        r"include|namely|which\s+are|they\s+are|as\s+follows)\b\s*:?\s*)?(?P<rest>.*?)\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:its|the\s+department['’]s)\s+(?:directly\s+)?affiliated\s+units\s+(?:include|are|"
        r"consist\s+of)\s*:?\s*(?P<rest>.+?)\.?$",
        re.I,
    ),
]
MANAGES_EN = re.compile(r"(?:^|[,;]?\s+)(?:and\s+)?(?:it\s+)?(?:also\s+)?manages\s+", re.I)
MANAGED_EN = re.compile(
    r"^(?:in\s+addition,?\s*|besides,?\s*)?(?P<subject>.+?)\s+(?:also\s+)?manages\s+(?P<rest>.+?)"
    r"\.?$",
    re.I,
)
UNITS_ZH = [
    re.compile(
        rf"有(?P<count>{COUNT})个直属(?:事业|行政)?单位(?:[,:]|包括|分别是|分别为|即|为)*"
        r"(?P<rest>.*?)。?$"
    ),
    re.compile(r"直属(?:事业|行政)?单位(?:有|包括|为|是|分别是)[:]?(?P<rest>.+?)。?$"),
    re.compile(r"直属(?:事业|行政)?单位[:](?P<rest>.+?)。?$"),
    re.compile(r"(?:无|没有)直属(?:事业|行政)?单位(?P<rest>)。?$"),
]
MANAGES_ZH = re.compile(r"(?:[,;](?:并|另外?|还|同时)?|并|另外?|还|同时)(?:负责)?(?:管理|代管)")
MANAGED_ZH = re.compile(
    r"^(?:此外,?)?(?P<subject>.*?)(?:另外?|还|并|同时)?(?:负责)?(?:管理|代管)(?P<rest>.+?)。?$"
)
SELF_SUBJECTS = {"it", "the department", "this department", "本厅", "该厅", "本部门", "该部门"}
SELF_SUBJECTS |= {"本局", "该局", "本委", "该委", "本单位", "该单位", ""}


def split_sentences(text, language):
    if language == CHINESE:
        return [part for part in re.split(r"(?<=[。!?！？])", text) if part.strip()]
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])", text) if part.strip()]


# What a page holds.


@dataclass
class ParsedInstitution:
    name: str
    line: int
    full_name: str = ""
    handlers: list = field(default_factory=list)


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
    problems: list = field(default_factory=list)

    @property
    def language_name(self):
        return dict(settings.LANGUAGES).get(self.language, self.language)


@dataclass
class Entry:
    """A logical line: one line of the export, or several the export wrapped."""

    number: int
    text: str
    tag: str
    mergeable: bool = True


class PageReader:
    """Places every line of a page, or says which it could not place."""

    def __init__(self, source, lines):
        self.page = Page(source=source, language=detect_language(lines))
        self.lines = [piece for line in lines for piece in split_inline_items(line)]
        self.state = "head"
        self.section = None
        self.intro = []
        self.numbering = None
        self.items_closed = False
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

    def unplaced(self, entry):
        self.problem(entry, _("could not place this line"))

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
        for line in self.lines:
            tag = surface(line.text)
            previous = entries[-1] if entries else None
            if tag == "heading":
                heading = HEADING.match(fold(line.text))
                section = next(name for name in HEADINGS if heading.group(name))
            if (
                previous
                and tag == "text"
                and not line.blank_before
                and previous.tag in ("text", "marker", "article")
                and previous.mergeable
                and section not in LIST_SECTIONS
                and len(previous_line) >= WRAPPED_LENGTH
                and not SENTENCE_END.search(previous.text)
            ):
                previous.text = join_wrapped(previous.text, line.text)
                previous_line = line.text
                continue
            previous_line = line.text
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
        elif self.state == "intro" and self.section not in ("institutions", "units", "contacts"):
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
        values = {
            name: int(match.group(name) or 0)
            for name in ("year", "month", "day", "hour", "minute", "second")
        }
        try:
            moment = datetime(**values, tzinfo=ZoneInfo(settings.TIME_ZONE))
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
        if self.section in ("institutions", "units"):
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
            label = clean_text(entry.text[label_start:label_end])
            kind = contact_kind(folded[label_start:label_end])
            raw = entry.text[value_start:value_end]
            raw = re.sub(r"(?:\s+[/|])+\s*$", "", raw).strip(" ,;，；|")
            for value in self.contact_values(kind, raw):
                self.add_contact(entry, kind, label, value)

    def contact_values(self, kind, raw):
        if kind in (ContactKind.TELEPHONE, ContactKind.COMPLAINT_TELEPHONE, ContactKind.FAX):
            pieces = re.split(r"\s*(?:[,;、]|\bor\b|或)\s*", fold(raw).strip(" 。."))
            values = []
            for piece in pieces:
                tokens = piece.split()
                if len(tokens) > 1 and all(
                    re.fullmatch(r"\+?[\d()\-]+", token) and len(re.sub(r"\D", "", token)) >= 7
                    for token in tokens
                ):
                    values.extend(tokens)
                elif piece:
                    values.append(piece)
            return values
        if kind == ContactKind.EMAIL:
            return [value for value in re.split(r"[\s,;、]+", fold(raw).strip(" 。")) if value]
        if kind == ContactKind.WEBSITE:
            value = fold(raw).strip(" 。")
            if value.lower().startswith("www."):
                value = "http://" + value
            return [value] if value else []
        if kind == ContactKind.POSTCODE:
            value = fold(raw).strip(" 。.")
            return [value] if value else []
        value = clean_text(raw)
        return [value] if value else []

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
        if self.section in ("institutions", "units"):
            self.take_list_line(entry, text)
        else:
            self.unplaced(entry)

    def take_sentences(self, entry, text):
        """Places every sentence of a paragraph; False (placing nothing) if one does not fit."""
        placed = []
        for sentence in split_sentences(text, self.language):
            parts = [sentence]
            parsed = self.parse_sentence(entry, sentence)
            if parsed is None:
                parts = [part for part in re.split(r"(?<=[;；])\s*", sentence) if part.strip()]
                parsed_parts = [self.parse_sentence(entry, part) for part in parts]
                if len(parts) == 1 or None in parsed_parts:
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
        for parse in (self.parse_routine, self.parse_units, self.parse_institutions):
            action = parse(entry, folded, original)
            if action is not None:
                return action
        return self.parse_managed(entry, folded, original)

    def names(self, entry, text, expected=None, mismatch=""):
        names = split_names(text, self.language, expected)
        for name in names:
            if not looks_like_name(name, self.language):
                self.problem(entry, _("“%(name)s” does not look like a name") % {"name": name})
        if expected is not None and len(names) != expected:
            self.problem(
                entry,
                mismatch % {"expected": expected, "count": len(names)},
            )
        return names

    def parse_routine(self, entry, folded, original):
        match = (ROUTINE_ZH if self.language == CHINESE else ROUTINE_EN).match(folded)
        if not match:
            return None
        handled = strip_article(original[slice(*match.span("handled"))])
        handled = re.sub(r"^(?:其中|另外|此外)[,，]?", "", handled)
        listed = original[slice(*match.span("list"))]
        if self.language == ENGLISH:
            listed = LIST_END_EN.split(listed)[0]
        handlers = self.names(entry, listed)
        note = RoutineNote(handled, handlers, entry.number, entry.text)
        return lambda: self.notes.append(note)

    def parse_institutions(self, entry, folded, original):
        patterns = INSTITUTIONS_ZH if self.language == CHINESE else INSTITUTIONS_EN
        for pattern in patterns:
            match = pattern.search(folded)
            if match and match.group("list").strip(" :,"):
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
        direct_names = self.names(entry, direct, expected, mismatch)
        if not direct.strip():
            direct_names = []
            if expected:
                self.problem(
                    entry,
                    mismatch % {"expected": expected, "count": 0},
                )
        managed_names = self.managed_names(entry, managed) if managed.strip() else []

        def record():
            self.direct.extend((name, entry.number) for name in direct_names)
            self.managed.extend((name, entry.number) for name in managed_names)

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

    def take_list_line(self, entry, text):
        """A line of an "Internal institutions" or "Affiliated units" section: names only."""
        if self.section not in ("institutions", "units"):
            self.unplaced(entry)
            return
        if self.page.responsibilities:
            self.items_closed = True
        text = clean_text(text).rstrip(".。;；")
        names = split_names(text, self.language)
        if not names or not all(looks_like_name(name, self.language) for name in names):
            self.unplaced(entry)
            return
        for name in names:
            if self.section == "institutions":
                self.page.institutions.append(ParsedInstitution(name, entry.number))
            else:
                self.direct.append((name, entry.number))

    # The whole page.

    def finish(self):
        page = self.page
        page.introduction = "\n".join(self.intro)
        page.units = [
            ParsedUnit(name, AffiliatedUnit.Relation.DIRECTLY_AFFILIATED, line)
            for name, line in self.direct
        ] + [ParsedUnit(name, AffiliatedUnit.Relation.MANAGED, line) for name, line in self.managed]
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


EN_STOP_WORDS = {"department", "office", "division", "section", "of", "and", "the", "for"}


def name_words(name):
    words = re.findall(r"[a-z0-9]+", name.lower())
    return [word for word in words if word not in EN_STOP_WORDS] or words


def similarity(first, second, language):
    if language == CHINESE:
        first, second = re.sub(r"\s", "", first), re.sub(r"\s", "", second)
        if first == second:
            return 1.0
        ratio = difflib.SequenceMatcher(None, first, second).ratio()
        return max(ratio, 0.8) if first in second or second in first else ratio
    first_words, second_words = name_words(first), name_words(second)
    if set(first_words) == set(second_words):
        return 1.0
    ratio = difflib.SequenceMatcher(None, " ".join(first_words), " ".join(second_words)).ratio()
    shared = set(first_words) & set(second_words)
    return max(ratio, len(shared) / len(set(first_words) | set(second_words)))


def match_name(name, candidates, language, threshold=0.6):
    """The index of the one candidate the name means (a full name for a short one), or None."""
    scores = sorted(
        (
            (similarity(name, candidate, language), index)
            for index, candidate in enumerate(candidates)
            if candidate
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < threshold:
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None
    return scores[0][1]


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


def parse_export(data, name="page"):
    """The Page a legacy export holds; its ``problems`` say why it cannot be imported."""
    refuse_oversized(data)
    text = decode(data)
    lines = html_lines(text) if is_html(name, text) else text_lines(text)
    if not lines:
        raise ImportRefused([Problem(None, "", _("The file is empty."))])
    if len(lines) > MAX_PAGE_LINES:
        message = _(
            "The page has more than %(limit)s lines of text, far more than any structure "
            "page; it was not read."
        ) % {"limit": large_number(MAX_PAGE_LINES)}
        raise ImportRefused([Problem(None, "", message)])
    return PageReader(name, lines).read()


def read_source(source):
    """The Page a source holds; one that cannot be read is a Page whose problems say why."""
    if source.error:
        return Page(source.name, language="", problems=[Problem(None, "", source.error)])
    try:
        return parse_export(source.data, source.name)
    except ImportRefused as error:
        return Page(source.name, language="", problems=error.problems)


def page_data(page):
    """A page as plain JSON values, for ``page_from_data`` to rebuild it without reading again."""
    data = asdict(page)
    data["published_at"] = page.published_at.isoformat() if page.published_at else None
    data["problems"] = [[p.line, p.text, str(p.message)] for p in page.problems]
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
        }
    )


# Writing drafts.

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"
TRANSLATED = {"name", "introduction", "text", "full_name", "label", "value"}


@dataclass
class ImportOptions:
    slug: str = ""
    government: Government | None = None
    kind: str = DepartmentKind.COMPONENT
    publish: bool = False
    dry_run: bool = False
    user: object = None


@dataclass
class Source:
    """An export to import: its file name and bytes (or why it could not be read)."""

    name: str
    data: bytes = b""
    error: str = ""


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


def field_label(model, base, language):
    label = str(model._meta.get_field(base).verbose_name)
    return f"{label} ({language})" if base in TRANSLATED else label


def same(old, new):
    return (old if old is not None else "") == (new if new is not None else "")


class DraftWriter:
    """Brings one department draft in line with one page, recording each change."""

    def __init__(self, page, options):
        self.page = page
        self.options = options
        self.language = page.language
        self.changes = []
        self.dirty = []
        self.deleted = []
        self.handlers = []

    def column(self, base):
        return build_localized_fieldname(base, self.language)

    def refuse(self, message):
        raise ImportRefused([Problem(None, "", message)])

    # Which draft.

    def locate(self):
        page, options = self.page, self.options
        drafts = Department.objects.drafts()
        if options.slug:
            draft = drafts.filter(slug=options.slug).first()
            return self.editable(draft) if draft else self.new_department(options.slug)
        matches = list(drafts.filter(**{f"{self.column('name')}__iexact": page.name}))
        if len(matches) > 1:
            self.refuse(
                _("Several departments are named “%(name)s”; give the slug of the one to update.")
                % {"name": page.name}
            )
        if matches:
            return self.editable(matches[0])
        if self.language != settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            self.refuse(
                _(
                    "No department is named “%(name)s” in %(language)s. Import the English page "
                    "first, or give the department's slug (--slug) to create or update it."
                )
                % {"name": page.name, "language": page.language_name}
            )
        slug = slugify(page.name)[:100].strip("-")
        if not slug:
            self.refuse(_("No slug can be made from the name; give one (--slug)."))
        draft = drafts.filter(slug=slug).first()
        return self.editable(draft) if draft else self.new_department(slug)

    def editable(self, draft):
        user = self.options.user
        if (
            user is not None
            and not Department.objects.editable_by(user).filter(pk=draft.pk).exists()
        ):
            self.refuse(
                _("You may not edit the department “%(name)s”.")
                % {"name": draft.name or draft.slug}
            )
        return draft

    def new_department(self, slug):
        government = self.options.government
        if government is None:
            governments = list(Government.objects.all()[:2])
            if not governments:
                self.refuse(_("Create the government the departments belong to first."))
            if len(governments) > 1:
                self.refuse(_("Choose the government of the new department (--government SLUG)."))
            government = governments[0]
        last = Department.objects.drafts().aggregate(last=models.Max("sort_order"))["last"]
        department = Department(
            government=government,
            slug=slug,
            kind=self.options.kind,
            sort_order=(last or 0) + 1,
        )
        subject = str(Department._meta.verbose_name)
        kind = department.get_kind_display()
        for base, value in (("slug", slug), ("government", government), ("kind", kind)):
            self.changes.append(
                Change("create", subject, field_label(Department, base, None), new=str(value))
            )
        return department

    # What changes.

    def set(self, row, base, value, subject):
        attname = self.column(base) if base in TRANSLATED else base
        old = getattr(row, attname)
        if row.pk is not None and same(old, value):
            return
        if row.pk is None and (base == "sort_order" or same(None, value)):
            # Nothing to show: a new row's position is in its subject
            # ("responsibility 3"), and an empty value is no news.
            setattr(row, attname, value)
            self.mark_dirty(row)
            return
        label = field_label(type(row), base, self.language)
        action = "update" if row.pk is not None else "create"
        choices = dict(type(row)._meta.get_field(base).flatchoices)
        shown_old = choices.get(old, old) if row.pk else None
        self.changes.append(Change(action, subject, label, shown_old, choices.get(value, value)))
        setattr(row, attname, value)
        self.mark_dirty(row)

    def mark_dirty(self, row):
        if not any(row is other for other in self.dirty):
            self.dirty.append(row)

    def delete(self, row, subject):
        self.changes.append(Change("delete", subject, old=str(row)))
        self.deleted.append(row)

    def plan_department(self, draft):
        page = self.page
        subject = str(Department._meta.verbose_name)
        self.set(draft, "name", page.name, subject)
        self.set(draft, "introduction", page.introduction, subject)
        if page.published_at is not None:
            self.set(draft, "published_at", page.published_at, subject)
        elif draft.pk is None:
            self.changes.append(
                Change(
                    "create",
                    subject,
                    field_label(Department, "published_at", None),
                    new=draft.published_at,
                )
            )
            self.mark_dirty(draft)

    def sync(self, draft, model, existing, wanted):
        """Matches rows by position: wanted is [(position, {field: value})]."""
        rows = []
        for index, (position, values) in enumerate(wanted):
            if index < len(existing):
                row = existing[index]
            else:
                row = model(department=draft)
                if "kind" in values:
                    row.kind = values["kind"]
            subject = f"{model._meta.verbose_name} {position}"
            for base, value in values.items():
                self.set(row, base, value, subject)
            self.set(row, "sort_order", position, subject)
            rows.append(row)
        for index, row in enumerate(existing[len(wanted) :], len(wanted) + 1):
            self.delete(row, f"{model._meta.verbose_name} {row.sort_order or index}")
        return rows

    def plan_children(self, draft):
        page = self.page

        def existing(related_name, **filters):
            if draft.pk is None:
                return []
            rows = getattr(draft, related_name).filter(**filters)
            return list(rows.order_by("sort_order", "pk"))

        self.sync(
            draft,
            Responsibility,
            existing("responsibilities"),
            [
                (position, {"text": text})
                for position, (text, _line) in enumerate(page.responsibilities, 1)
            ],
        )
        institutions = self.sync(
            draft,
            Institution,
            existing("institutions"),
            [
                (position, {"name": item.name, "full_name": item.full_name})
                for position, item in enumerate(page.institutions, 1)
            ],
        )
        self.plan_handlers(institutions)

        positions = {id(unit): position for position, unit in enumerate(page.units, 1)}
        for relation in AffiliatedUnit.Relation.values:
            units = [unit for unit in page.units if unit.relation == relation]
            self.sync(
                draft,
                AffiliatedUnit,
                existing("affiliated_units", relation=relation),
                [
                    (positions[id(unit)], {"name": unit.name, "relation": relation})
                    for unit in units
                ],
            )

        positions = {id(contact): position for position, contact in enumerate(page.contacts, 1)}
        kinds = list(dict.fromkeys(contact.kind for contact in page.contacts))
        for kind in kinds + [kind for kind in ContactKind.values if kind not in kinds]:
            contacts = [contact for contact in page.contacts if contact.kind == kind]
            rows = existing("contacts", kind=kind)
            if not contacts and not rows:
                continue
            self.sync(
                draft,
                Contact,
                rows,
                [
                    (
                        positions[id(contact)],
                        {"kind": kind, "label": contact.label, "value": contact.value},
                    )
                    for contact in contacts
                ],
            )

    def plan_handlers(self, rows):
        name = self.column("name")
        label = field_label(Institution, "routine_work_handled_by", None)
        for position, (item, row) in enumerate(zip(self.page.institutions, rows, strict=True), 1):
            wanted = [rows[index] for index in item.handlers]
            current = (
                list(row.routine_work_handled_by.order_by("sort_order", "pk")) if row.pk else []
            )
            if {handler.pk for handler in current} == {handler.pk for handler in wanted} and all(
                handler.pk for handler in wanted
            ):
                continue
            action = "update" if row.pk else "create"
            self.changes.append(
                Change(
                    action,
                    f"{Institution._meta.verbose_name} {position}",
                    label,
                    [getattr(handler, name) or handler.name for handler in current] or None,
                    [getattr(handler, name) for handler in wanted],
                )
            )
            self.handlers.append((row, wanted))

    # Writing.

    def code_base(self, row):
        if self.language != ENGLISH:
            return ""
        if isinstance(row, Responsibility):
            return slugify(" ".join(row.text_en.split()[:6]))[:50]
        if isinstance(row, Contact):
            return slugify(row.label_en or row.kind)[:50]
        return slugify(row.name_en)[:50]

    def unique_code(self, base, taken):
        base = base.strip("-")
        if base:
            code, number = base, 2
            while code in taken:
                code = f"{base}-{number}"
                number += 1
        else:
            code = generate_code()
            while code in taken:
                code = generate_code()
        taken.add(code)
        return code

    def save(self, draft):
        draft.save()
        for row in self.deleted:
            row.delete()
        taken = {}
        for row in self.dirty:
            if row is draft:
                continue
            if row.pk is None:
                model = type(row)
                if model not in taken:
                    taken[model] = set(
                        model.objects.filter(department=draft).values_list("code", flat=True)
                    )
                row.department = draft
                row.code = self.unique_code(self.code_base(row), taken[model])
            row.save()
        for row, handlers in self.handlers:
            row.routine_work_handled_by.set(handlers)

    def write(self):
        page, options = self.page, self.options
        draft = self.locate()
        created = draft.pk is None
        self.plan_department(draft)
        self.plan_children(draft)
        result = PageResult(
            source=page.source,
            status=CREATED if created else UPDATED,
            language=page.language,
            name=page.name,
            slug=draft.slug,
            changes=self.changes,
            dry_run=options.dry_run,
        )
        user = options.user
        if not self.changes:
            result.status = UNCHANGED
        else:
            with reversion.create_revision():
                self.save(draft)
                reversion.add_to_revision(draft)
                reversion.set_comment(_("Imported from %(file)s.") % {"file": page.source})
                if user is not None and user.is_authenticated:
                    reversion.set_user(user)
            services.mark_changed(draft)
            if created and user is not None and not user.is_superuser:
                draft.editors.add(user)
        if options.publish and (self.changes or not is_published(draft)):
            try:
                services.publish(draft, user=user, update_date=False)
            except services.PublishingError as error:
                # The page is refused whole, the draft's import included.
                raise ImportRefused([Problem(None, "", str(error))]) from None
            result.published = True
        result.department_id = None if options.dry_run and created else draft.pk
        return result


def is_published(draft):
    state = Department.objects.with_publication_state().get(pk=draft.pk).publication_state
    return state == PublicationState.PUBLISHED


def import_source(source, options):
    """Imports one export in its own transaction; a refused page writes nothing."""
    return import_page(read_source(source), options)


def import_page(page, options):
    """Writes one page (``read_source``'s) in its own transaction; a refused page writes nothing."""
    refused = PageResult(source=page.source, status=REFUSED, dry_run=options.dry_run)
    refused.language, refused.name = page.language, page.name
    if page.problems:
        refused.problems = page.problems
        return refused
    try:
        with transaction.atomic():
            return DraftWriter(page, options).write()
    except ImportRefused as error:
        refused.problems = error.problems
        return refused


def run_import(sources, options):
    """Imports every source; a dry run does the same and then rolls everything back."""
    return import_pages([read_source(source) for source in sources], options)


def import_pages(pages, options):
    """``run_import`` of sources already read (``read_source``), as a preview keeps them for
    its confirmation, so that they are not read again."""
    if not options.dry_run:
        return [import_page(page, options) for page in pages]
    with transaction.atomic():
        results = [import_page(page, options) for page in pages]
        transaction.set_rollback(True)
    return results


def report_lines(result):
    """What the command prints about one page."""
    if result.refused:
        lines = [_("%(file)s: refused, nothing was imported:") % {"file": result.source}]
        for problem in result.problems:
            if problem.line is None:
                lines.append(f"  {problem.message}")
            else:
                lines.append(
                    "  "
                    + _("line %(line)s: %(text)s — %(message)s")
                    % {"line": problem.line, "text": problem.text, "message": problem.message}
                )
        return lines
    values = {
        "file": result.source,
        "name": result.name,
        "slug": result.slug,
        "language": result.language_name,
    }
    if result.status == UNCHANGED:
        return [_("%(file)s: %(name)s (%(slug)s, %(language)s): no changes.") % values]
    if result.status == CREATED:
        heading = (
            _("%(file)s: would create %(name)s (%(slug)s, %(language)s):")
            if result.dry_run
            else _("%(file)s: created %(name)s (%(slug)s, %(language)s):")
        )
    else:
        heading = (
            _("%(file)s: would update %(name)s (%(slug)s, %(language)s):")
            if result.dry_run
            else _("%(file)s: updated %(name)s (%(slug)s, %(language)s):")
        )
    lines = [heading % values] + [f"  {change}" for change in result.changes]
    if result.published:
        lines.append("  " + (_("Would be published.") if result.dry_run else _("Published.")))
    else:
        lines.append(
            "  "
            + _(
                "Not published: a publisher must publish the department before the public pages "
                "show this."
            )
        )
    return lines
