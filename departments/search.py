"""Which department handles this? Search over published departments and their items.

A query in Chinese script searches the Chinese columns, any other the English
ones. PostgreSQL uses its own machinery: English full-text search (stemmed,
ranked with ``ts_rank``) and trigram matching for Chinese (``pg_trgm``, which
needs no word boundaries), both backed by GIN indexes created in migration
0004. Other databases (SQLite on a developer's machine) match every word as a
substring and rank in Python. Either way each hit links to its anchor on the
structure page, e.g. ``#responsibility-4``.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, models
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import AffiliatedUnit, Department, Institution, Responsibility, department_url

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 50
SNIPPET_RADIUS = 70
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[\w\u3400-\u9fff]+", re.UNICODE)


class QueryProblem:
    EMPTY = "empty"
    NO_WORDS = "no-words"


@dataclass
class SearchQueryText:
    """What the visitor typed, cleaned: the text searched and what to tell them about it."""

    raw: str
    text: str
    truncated: bool
    problem: str | None
    language: str

    @classmethod
    def parse(cls, raw):
        raw = raw or ""
        text = " ".join(raw.split())
        truncated = len(text) > MAX_QUERY_LENGTH
        text = text[:MAX_QUERY_LENGTH].strip()
        problem = None
        if not text:
            problem = QueryProblem.EMPTY
        elif not WORD.search(text):
            problem = QueryProblem.NO_WORDS
        language = "zh-hans" if CJK.search(text) else "en"
        return cls(raw=raw, text=text, truncated=truncated, problem=problem, language=language)

    @property
    def terms(self):
        return WORD.findall(self.text.lower())


@dataclass
class Hit:
    """One matching item, named and linked in the language the query was in."""

    slug: str
    department_name: str
    kind: str
    kind_label: str
    position: int | None
    text: str
    rank: float
    language: str
    snippet: str = ""

    @property
    def anchor(self):
        return f"{self.kind}-{self.position}" if self.position else ""

    @property
    def url(self):
        with translation.override(self.language):
            path = department_url(self.slug)
        return f"{path}#{self.anchor}" if self.anchor else path


# What is searched, per kind of item: the fields, how much a match there
# weighs, and how the item is named in results.
TARGETS = {
    "department": (Department, ["name", "introduction"], 1.0, _("Department")),
    "responsibility": (Responsibility, ["text"], 0.8, _("Responsibility")),
    "institution": (Institution, ["name", "full_name"], 0.9, _("Institution")),
    "unit": (AffiliatedUnit, ["name"], 0.9, _("Affiliated unit")),
}


def column(field, language):
    return f"{field}_{language.replace('-', '_')}"


def published_items(model, live):
    """The items of one kind that belong to the ``live`` departments (``published()``)."""
    if model is Department:
        return live.select_related("government")
    return model.objects.filter(department__in=live.values("pk")).select_related("department")


def position_among_siblings(model):
    """1-based position of an item in its department's order, as the page numbers it."""
    earlier = model.objects.filter(department=models.OuterRef("department")).filter(
        models.Q(sort_order__lt=models.OuterRef("sort_order"))
        | models.Q(sort_order=models.OuterRef("sort_order"), pk__lt=models.OuterRef("pk"))
    )
    count = earlier.order_by().values("department").annotate(n=models.Count("pk")).values("n")
    return models.functions.Coalesce(models.Subquery(count), 0) + 1


def matching(model, fields, query, live):
    """The published items of one kind that match, with a ``rank`` annotation on PostgreSQL."""
    items = published_items(model, live)
    columns = [column(field, query.language) for field in fields]
    if connection.vendor == "postgresql":
        if query.language == "en":
            vector = SearchVector(*columns, config="english")
            search = SearchQuery(query.text, config="english", search_type="websearch")
            # ts_rank is above zero even for documents that do not match:
            # the @@ match decides, the rank only orders.
            return items.annotate(document=vector, rank=SearchRank(vector, search)).filter(
                document=search
            )
        similarity = (
            models.functions.Greatest(
                *[TrigramWordSimilarity(query.text, name) for name in columns]
            )
            if len(columns) > 1
            else TrigramWordSimilarity(query.text, columns[0])
        )
        contains = models.Q()
        for name in columns:
            contains |= models.Q(**{f"{name}__icontains": query.text})
        return items.filter(contains).annotate(rank=similarity)
    # Elsewhere: every word must start a word of one of the fields (Chinese
    # has no word boundaries: there, the characters occur anywhere).
    for term in query.terms:
        any_field = models.Q()
        for name in columns:
            if CJK.search(term):
                any_field |= models.Q(**{f"{name}__icontains": term})
            else:
                any_field |= models.Q(**{f"{name}__iregex": rf"\b{re.escape(term)}"})
        items = items.filter(any_field)
    return items.annotate(rank=models.Value(0.0, output_field=models.FloatField()))


def text_rank(text, query):
    """A database-independent score: the whole name, the whole phrase, how many of the
    words, then how early. Repetition counts little, so long texts do not win by length."""
    lowered, phrase = text.lower(), query.text.lower()
    terms = set(query.terms)
    present = [term for term in terms if term in lowered]
    score = 4.0 if lowered == phrase else 0.0
    score += 3.0 if phrase in lowered else 0.0
    score += 2.0 * len(present) / max(len(terms), 1)
    score += 0.1 * min(sum(lowered.count(term) for term in present), 5)
    first = min((lowered.find(term) for term in present), default=-1)
    if first >= 0:
        score += 0.5 / (1 + first / 100)
    return score


def term_pattern(query):
    """Matches the query's terms where a reader sees them: at the start of a word (or anywhere
    in Chinese)."""
    alternatives = [
        re.escape(term) if CJK.search(term) else rf"\b{re.escape(term)}\w*"
        for term in sorted(query.terms, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def snippet(text, query):
    """A window of the text around the best match, every matched term in <mark>."""
    pattern = term_pattern(query)
    phrase = text.lower().find(query.text.lower())
    first = pattern.search(text) if pattern else None
    focus = phrase if phrase >= 0 else (first.start() if first else 0)
    start = max(0, focus - SNIPPET_RADIUS)
    end = min(len(text), focus + SNIPPET_RADIUS + len(query.text))
    # Begin and end on whole words where the text has spaces between them.
    if start > 0 and " " in text[start:focus]:
        start = text.index(" ", start, focus) + 1
    if end < len(text) and " " in text[focus:end]:
        end = text.rindex(" ", focus, end)
    window = text[start:end]
    parts, last = [], 0
    if pattern:
        for match in pattern.finditer(window):
            parts.append(escape(window[last : match.start()]))
            parts.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    parts.append(escape(window[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def search(query):
    """Ranked hits for a parsed query: a fixed number of queries, whatever the data."""
    if query.problem:
        return []
    hits = []
    # Built once for every kind of item: it is the costliest part of each query to build,
    # and all of them then see the same moment.
    live = Department.objects.published()
    with translation.override(query.language):
        for kind, (model, fields, weight, label) in TARGETS.items():
            items = matching(model, fields, query, live)
            if model is not Department:
                items = items.annotate(position=position_among_siblings(model))
            for item in items.order_by("-rank")[:MAX_RESULTS]:
                department = item if model is Department else item.department
                texts = [getattr(item, column(field, query.language)) or "" for field in fields]
                text = " — ".join(value for value in texts if value)
                rank = (float(item.rank or 0) + text_rank(text, query)) * weight
                hits.append(
                    Hit(
                        slug=department.slug,
                        department_name=department.name,
                        kind=kind,
                        kind_label=str(label),
                        position=getattr(item, "position", None),
                        text=text,
                        rank=rank,
                        language=query.language,
                    )
                )
        hits.sort(key=lambda hit: hit.rank, reverse=True)
        hits = hits[:MAX_RESULTS]
        for hit in hits:
            hit.snippet = snippet(hit.text, query)
    return hits
