"""Which department handles this? Search over published departments and their items.

A query in Chinese script searches the Chinese columns, any other the English
ones. English: on PostgreSQL, full-text search (stemmed, ranked with
``ts_rank``) on a stored ``tsvector`` (migrations 0004 and 0005); elsewhere
(SQLite on a developer's machine) every word must start a word of the text.
Chinese has no spaces between words, and matching characters would find 民政
(civil affairs) in 人民政府: every published item stores its words, segmented
by jieba with the government's dictionary (``departments.search_words``,
``terms.segmentation``), and each word of the query must be among them. On
PostgreSQL a GIN index of those words (0010) finds the rows and pg_trgm's word
similarity ranks them; elsewhere the words are compared as text and ranked in
Python. Either way each hit links to its anchor on the structure page, e.g.
``#responsibility-4``.

A search costs the same with one department as with thousands: each kind of
item is searched in one query that ranks at most ``MAX_CANDIDATES`` matches
(found through the indexes, each checked as published on its own) and numbers
only the best ``MAX_RESULTS`` among their siblings. The queries are written so
that PostgreSQL's planner has no cheaper-looking way that reads more (see
``published_items`` and ``IsAmong``); an estimate above ``jit_above_cost``
would also cost a JIT compilation, hundreds of milliseconds. On PostgreSQL the
ORM builds each query once per process (``compiled_matches``).
"""

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as datetime_timezone

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, models
from django.db.models.functions import Coalesce, Concat, Length
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.text import item_number
from terms import segmentation

from .addresses import department_url
from .models import AffiliatedUnit, Department, Institution, Responsibility

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 50
# Matches of one kind ranked at most. A word found in every department would
# otherwise cost the ranking of thousands of items; these are the first ones the
# index yields (in table order), which on a site of tens of departments is all of
# them for all but the commonest words.
MAX_CANDIDATES = 200
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
    # A text matches when it has a word of any group, rather than of every group.
    any_group: bool = False

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

    @functools.cached_property
    def terms(self):
        """The words typed: Chinese segmented as the published texts are."""
        return segmentation.query_words(self.text)

    @functools.cached_property
    def groups(self):
        """The words with what the synonyms add: a text must have all the words of one
        alternative (a tuple of words) of each group (``terms.segmentation.expand``)."""
        return segmentation.expand(self.terms)

    @property
    def matched_groups(self):
        """The groups a text is matched on: all of them, or, when any one will do, those
        that can tell a matter apart ("civil affairs" never finds a text by "affairs")."""
        if not self.any_group:
            return self.groups
        return [group for group in self.groups if not segmentation.is_generic(group)]

    @property
    def searched_words(self):
        """Every word searched for, the synonyms' included: what the hits mark."""
        return {word for group in self.groups for alternative in group for word in alternative}

    @property
    def words_query(self):
        """The groups as text for ``to_tsquery`` (English) or a ``tsquery`` (Chinese)."""

        def every(words):
            return "(" + " & ".join("'" + word.replace("'", "''") + "'" for word in words) + ")"

        return (" | " if self.any_group else " & ").join(
            "(" + " | ".join(every(alternative) for alternative in group) + ")"
            for group in self.matched_groups
        )


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
    def label(self):
        """The hit as its result names it, in its language: "X – Responsibility (4)",
        "X 主要职责（四）"; the department alone when the hit is the department."""
        if not self.position:
            return self.department_name
        with translation.override(self.language):
            return pgettext("a search hit", "%(department)s – %(kind)s %(number)s") % {
                "department": self.department_name,
                "kind": self.kind_label,
                "number": item_number(self.position),
            }

    @property
    def url(self):
        with translation.override(self.language):
            path = department_url(self.slug)
        return f"{path}#{self.anchor}" if self.anchor else path


# What is searched, per kind of item: the fields, how much a match there
# weighs, and how the item is named in results.
TARGETS = {
    "department": (Department, ["name", "introduction"], 1.0, _("Department")),
    "responsibility": (Responsibility, ["text", "search_terms"], 0.8, _("Responsibility")),
    "institution": (Institution, ["name", "full_name"], 0.9, _("Institution")),
    "unit": (AffiliatedUnit, ["name"], 0.9, _("Affiliated unit")),
}


# Searched, never shown: the words editors add for what citizens type.
SEARCH_ONLY = {"search_terms"}


def column(field, language):
    return f"{field}_{language.replace('-', '_')}"


class UndeclaredColumn(models.Expression):
    """A column of the queried table that a migration adds and the model does not declare.

    Like ``F()``, but for a name the model does not know (``search_vector_en``
    exists on PostgreSQL only); it follows the table's alias into subqueries.
    """

    contains_column_references = True

    def __init__(self, name, output_field, alias=None):
        super().__init__(output_field=output_field)
        self.name, self.alias = name, alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return UndeclaredColumn(self.name, self.output_field, query.get_initial_alias())

    def relabeled_clone(self, relabels):
        alias = relabels.get(self.alias, self.alias)
        return UndeclaredColumn(self.name, self.output_field, alias)

    def as_sql(self, compiler, connection):
        quote = compiler.quote_name_unless_alias
        return f"{quote(self.alias)}.{quote(self.name)}", []

    def get_group_by_cols(self):
        return [self]


def english_vector():
    """The stored ``to_tsvector('english', ...)`` of the searched English columns (0005)."""
    return UndeclaredColumn("search_vector_en", SearchVectorField())


def english_query(query):
    return SearchQuery(query.words_query, config="english", search_type="raw")


class ChineseWords(models.Func):
    """The stored words of a row as a ``tsvector``, as its index holds them (0010)."""

    template = "array_to_tsvector(string_to_array(%(expressions)s, ' '))"
    output_field = SearchVectorField()


class WordsQuery(models.Func):
    """Words already segmented, as a ``tsquery`` that no parser changes."""

    template = "CAST(%(expressions)s AS tsquery)"
    output_field = SearchVectorField()


class Matches(models.Func):
    """``vector @@ query``."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = models.BooleanField()


def publication_rows(model):
    """Rows of publications, not of drafts: what the search indexes hold (0005).

    Children know it from ``in_publication``, which PostgreSQL sets and the
    model does not declare; elsewhere ``published_items`` alone sorts them out.
    """
    if model is Department:
        return models.Q(draft__isnull=False)
    if connection.vendor == "postgresql":
        return models.Q(UndeclaredColumn("in_publication", models.BooleanField()))
    return models.Q()


def published_items(model, live):
    """The items of one kind that belong to the ``live`` departments (``published()``).

    Each item's department is looked up on its own, by a subquery PostgreSQL
    cannot turn into a join: with ``IN`` or ``EXISTS`` it would, expecting many
    matches, work out all the published departments first (thousands of them)
    where a search needs a few hundred matches. Unable to look into such a
    condition, the planner takes it to keep half of the rows, and so expects
    (rightly) to find ``MAX_CANDIDATES`` matches early and stop there.
    """
    department = "pk" if model is Department else "department_id"
    is_live = (
        live.filter(pk=models.OuterRef(department))
        .order_by()
        .annotate(live=models.Value(True))
        .values("live")[:1]
    )
    return model.objects.filter(
        publication_rows(model), models.Subquery(is_live, output_field=models.BooleanField())
    )


def position_among_siblings(model):
    """1-based position of an item in its department's order, as the page numbers it."""
    earlier = model.objects.filter(department=models.OuterRef("department")).filter(
        models.Q(sort_order__lt=models.OuterRef("sort_order"))
        | models.Q(sort_order=models.OuterRef("sort_order"), pk__lt=models.OuterRef("pk"))
    )
    count = earlier.order_by().values("department").annotate(n=models.Count("pk")).values("n")
    return models.functions.Coalesce(models.Subquery(count), 0) + 1


def matching(model, fields, query, live):
    """The published items of one kind that match, through the indexes on PostgreSQL."""
    items = published_items(model, live)
    columns = [column(field, query.language) for field in fields]
    if connection.vendor == "postgresql":
        if query.language == "en":
            return items.filter(SearchVectorExact(english_vector(), english_query(query)))
        words = WordsQuery(models.Value(query.words_query))
        return items.filter(Matches(ChineseWords(models.F("search_words")), words))
    chinese = query.language == "zh-hans"
    if chinese:
        items = items.alias(
            padded_words=Concat(
                models.Value(" "),
                "search_words",
                models.Value(" "),
                output_field=models.TextField(),
            )
        )

    def has(word):
        # A Chinese word among the stored words; any other at the start of a word.
        if chinese:
            return models.Q(padded_words__contains=f" {word} ")
        any_field = models.Q()
        for name in columns:
            any_field |= models.Q(**{f"{name}__iregex": rf"\b{re.escape(word)}"})
        return any_field

    groups = models.Q()
    for group in query.matched_groups:
        any_alternative = models.Q()
        for alternative in group:
            every_word = models.Q()
            for word in alternative:
                every_word &= has(word)
            any_alternative |= every_word
        groups = (groups | any_alternative) if query.any_group else (groups & any_alternative)
    return items.filter(groups)


def database_rank(fields, query):
    """How well an item matches, by the database's measure (none elsewhere than PostgreSQL)."""
    if connection.vendor != "postgresql":
        return models.Value(0.0, output_field=models.FloatField())
    if query.language == "en":
        # ts_rank is above zero even for documents that do not match:
        # the @@ match decides, the rank only orders.
        return SearchRank(english_vector(), english_query(query))
    columns = [column(field, query.language) for field in fields]
    similarities = [TrigramWordSimilarity(query.text, name) for name in columns]
    return models.functions.Greatest(*similarities) if len(columns) > 1 else similarities[0]


class IsAmong(models.Func):
    """``expression = ANY(ARRAY(subquery))``, for a short list that a subquery finds.

    PostgreSQL computes such an array once, before the rest of the query, which
    then reads those rows by primary key. With ``IN (subquery)`` it may instead
    read the whole table in rank order, looking each row up in the list: a rank
    for every row of the table.
    """

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


def best_matches(model, fields, query, live):
    """The best ``MAX_RESULTS`` matches of one kind, best first, in one query (on
    PostgreSQL; elsewhere all candidates, for ``search`` to rank).

    The rank is computed for at most ``MAX_CANDIDATES`` matches, the position
    among siblings for the best only. Rows are dictionaries of what a ``Hit``
    needs: model instances of the items and their departments would cost more
    than the query.
    """
    # Unordered: the first the indexes yield, without reading every match to sort them.
    candidates = matching(model, fields, query, live).order_by().values("pk")[:MAX_CANDIDATES]
    if connection.vendor == "postgresql":
        among_candidates = IsAmong(models.F("pk"), ArraySubquery(candidates))
    else:
        among_candidates = models.Q(pk__in=candidates)
    department = "" if model is Department else "department__"
    columns = [column(field, query.language) for field in fields]
    items = model.objects.filter(among_candidates).annotate(
        rank=database_rank(fields, query),
        # Among equal ranks (a word found once in many texts), the shorter text is
        # the more about it, as text_rank() sees it too.
        hit_length=sum(Coalesce(Length(name), 0) for name in columns),
        hit_slug=models.F(f"{department}slug"),
        hit_department_name=models.F(f"{department}{column('name', query.language)}"),
        hit_department_name_en=models.F(f"{department}name_en"),
        hit_position=(
            models.Value(None, output_field=models.IntegerField())
            if model is Department
            else position_among_siblings(model)
        ),
    )
    # Without a rank from the database, the best can only be told in Python: all
    # the candidates go there.
    best = MAX_RESULTS if connection.vendor == "postgresql" else MAX_CANDIDATES
    return items.order_by("-rank", "hit_length", "pk").values(
        *columns,
        "rank",
        "hit_slug",
        "hit_department_name",
        "hit_department_name_en",
        "hit_position",
    )[:best]


# What compiled queries hold in place of the searched text and of the moment.
TEXT_PLACEHOLDER = "\ue000searched text\ue000"
WORDS_PLACEHOLDER = "\ue000searched words\ue000"
MOMENT_PLACEHOLDER = datetime(2000, 1, 1, tzinfo=datetime_timezone.utc)


class PlaceholderQuery(SearchQueryText):
    """A query whose text and words are placeholders, for compiling."""

    @property
    def words_query(self):
        return WORDS_PLACEHOLDER


@functools.cache
def compiled_matches(kind, language, using, max_candidates, max_results):
    """SQL and parameters of ``best_matches`` for one kind and language, compiled once.

    Building and compiling these queries with the ORM costs more than running
    them (about 5 ms of CPU a kind); from one search to the next only the text
    and the moment change, held here by placeholders. The limits are part of
    the SQL, hence of the key.
    """
    model, fields, _weight, _label = TARGETS[kind]
    query = PlaceholderQuery(
        raw=TEXT_PLACEHOLDER,
        text=TEXT_PLACEHOLDER,
        truncated=False,
        problem=None,
        language=language,
    )
    with translation.override(language):
        live = Department.objects.published(at=MOMENT_PLACEHOLDER)
        queryset = best_matches(model, fields, query, live)
        sql, params = queryset.query.get_compiler(using).as_sql()
    # A parameter made from the text (a LIKE pattern, say) could not be filled in.
    if any(
        isinstance(value, str) and value != TEXT_PLACEHOLDER and TEXT_PLACEHOLDER in value
        for value in params
    ):
        raise ValueError(f"The {kind} query transforms the searched text.")
    return sql, tuple(params)


def matches(kind, query, now):
    """The rows of ``best_matches`` for one kind: from compiled SQL on PostgreSQL."""
    model, fields, _weight, _label = TARGETS[kind]
    if connection.vendor != "postgresql":
        return best_matches(model, fields, query, Department.objects.published(at=now))
    sql, params = compiled_matches(
        kind, query.language, connection.alias, MAX_CANDIDATES, MAX_RESULTS
    )
    filled = {TEXT_PLACEHOLDER: query.text, WORDS_PLACEHOLDER: query.words_query}
    params = [
        now
        if value == MOMENT_PLACEHOLDER
        else filled.get(value, value)
        if isinstance(value, str)
        else value
        for value in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [description[0] for description in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def text_rank(text, query):
    """A database-independent score: the whole name, the whole phrase, how many of the
    words, then how early. Repetition counts little, so long texts do not win by length."""
    lowered, phrase = text.lower(), query.text.lower()
    present = [word for word in query.searched_words if word in lowered]
    found_groups = [
        group
        for group in query.groups
        if any(all(word in lowered for word in alternative) for alternative in group)
    ]
    score = 4.0 if lowered == phrase else 0.0
    score += 3.0 if phrase in lowered else 0.0
    score += 2.0 * len(found_groups) / max(len(query.groups), 1)
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
        for term in sorted(query.searched_words, key=len, reverse=True)
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
    # Every kind of item is searched as published at the same moment.
    now = timezone.now()
    with translation.override(query.language):
        for kind, (_model, fields, weight, label) in TARGETS.items():
            for row in matches(kind, query, now):
                texts = {field: row[column(field, query.language)] or "" for field in fields}
                text = " — ".join(
                    value for field, value in texts.items() if value and field not in SEARCH_ONLY
                )
                searched = " ".join(texts.values())
                rank = (float(row["rank"] or 0) + text_rank(searched, query)) * weight
                hits.append(
                    Hit(
                        slug=row["hit_slug"],
                        # As modeltranslation shows it: English when the name is missing.
                        department_name=(
                            row["hit_department_name"] or row["hit_department_name_en"]
                        ),
                        kind=kind,
                        kind_label=str(label),
                        position=row["hit_position"],
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
