"""A saved HTML page as the lines a reader sees."""

import re
from html.parser import HTMLParser

from .contact_lines import contact_kind, contact_label
from .decoding import HTML_SUFFIXES, Line, clean_text, words
from .vocabulary import BOILERPLATE, DATE_LINE, HEADING, MARKER, fold

HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|p|div|br|table|span|h[1-6]|ul|ol|li)\b[^>]*>", re.I
)


class HTMLText(HTMLParser):
    """The lines a reader sees in a saved page, numbered by the source line they start on.

    Block elements separate paragraphs, ``<br>`` separates lines, table cells
    are joined by a space, ordered list items get their number. The head,
    scripts, navigation and (outside an ``<article>`` or ``<main>``) the site's
    header and footer are left out. A table row of contact labels and values
    ("Address | No. 1 | Post code | 310003") is a "Label: value" line a pair, as is
    a definition list's contact label and its value.
    """

    TITLES = words("h1 h2 h3")

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
        self.heading = False
        # Where each table cell of the line being read starts, in ``parts``.
        self.cells = []
        # The line of a definition list's term, until its definition joins it.
        self.term = None

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
            self.cells.append(len(self.parts))
        if tag in self.TITLES:
            self.heading = True
        elif tag == "dd":
            self.join_term()
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
        if tag == "tr":
            self.end_contact_row()
        count = len(self.lines)
        if tag in self.BLOCKS:
            self.end_line(paragraph=True)
        if tag in self.TITLES:
            self.heading = False
        elif tag == "dt" and len(self.lines) > count:
            self.term = self.lines[-1]
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
            self.lines.append(Line(self.first_line or 1, text, self.blank, self.heading))
            self.blank = False
            self.term = None
        if paragraph:
            self.blank = True
        self.parts = []
        self.cells = []
        self.first_line = None

    def end_contact_row(self):
        """A row of label and value cells, read as one "Label: value" line a pair."""
        if len(self.cells) < 2 or "".join(self.parts[: self.cells[0]]).strip():
            return
        bounds = [*self.cells, len(self.parts)]
        cells = [
            clean_text("".join(self.parts[start:end]))
            for start, end in zip(bounds, bounds[1:], strict=False)
        ]
        cells = [cell for cell in cells if cell]
        pairs = list(zip(cells[::2], cells[1::2], strict=False))
        if len(cells) % 2 or not all(is_contact_label(label) for label, _value in pairs):
            return
        number = self.first_line or 1
        for label, value in pairs:
            self.lines.append(Line(number, f"{contact_label(label)}: {value}", self.blank))
            self.blank = False
        self.parts, self.cells, self.first_line = [], [], None

    def join_term(self):
        """A contact after its term: "Telephone:" + "0571-…" → "Telephone: 0571-…"."""
        term, self.term = self.term, None
        if (
            term is not None
            and self.lines
            and self.lines[-1] is term
            and is_contact_label(term.text)
        ):
            self.lines.pop()
            self.parts = [f"{term.text.rstrip(' :：')}: "]
            self.first_line = term.number

    def close(self):
        super().close()
        self.end_line(paragraph=True)


def is_contact_label(text):
    label = contact_label(text)
    return len(label) <= 30 and contact_kind(label) is not None


def html_lines(text):
    parser = HTMLText()
    parser.feed(text)
    parser.close()
    return without_chrome(parser.lines)


def without_chrome(lines):
    """The lines from the page's title on: what is above it (the site's name, a logo, a
    menu, a breadcrumb) is the site's, not the department's; only a date there is kept.

    The title is the first h1-h3 heading that is no section heading ("Functions"). When
    a sentence or a paragraph is above it, the heading is no title and nothing is left out.
    """
    for index, line in enumerate(lines):
        if line.heading and not HEADING.match(fold(line.text)):
            if any(is_content(above.text) for above in lines[:index]):
                return lines
            above = [above for above in lines[:index] if DATE_LINE.match(fold(above.text))]
            return above + lines[index:]
    return lines


def is_content(text):
    """A paragraph or a sentence, which no site's chrome (a breadcrumb, a menu) is."""
    folded = fold(text)
    if any(pattern.search(folded) for pattern in BOILERPLATE):
        return False
    return len(text) > 100 or (len(text) > 40 and bool(re.search(r"[.。!?！？;；:：]", text)))


def is_html(name, text):
    return name.lower().endswith(HTML_SUFFIXES) or bool(HTML_SNIFF.search(text[:5000]))
