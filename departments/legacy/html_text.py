"""A saved HTML page as the lines a reader sees."""

import re
from html.parser import HTMLParser

from .decoding import HTML_SUFFIXES, Line, clean_text, words
from .vocabulary import MARKER, fold

HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|p|div|br|table|span|h[1-6]|ul|ol|li)\b[^>]*>", re.I
)


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
