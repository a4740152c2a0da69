"""What a search shows when no text has every word of the query.

First the texts that have some of the words (a citizen's sentence, "身份证丢了", has
words no text has); when none has any, those of the term of the vocabulary closest
to the query (a typo: 身分证, pasport). Each step is one more search, so a search
costs at most three times the queries of one, whatever the data.
"""

import dataclasses

from terms import segmentation

from .search import SearchQueryText, search


class FoundBy:
    EVERY_WORD = "every-word"
    SOME_WORDS = "some-words"
    CLOSE_TERM = "close-term"


@dataclasses.dataclass
class Result:
    """The hits, how they were found, and the query that found them."""

    hits: list
    found_by: str
    searched: SearchQueryText


def find(query):
    """The hits of ``query``, or of its fallbacks (see the module's docstring)."""
    hits = search(query)
    if hits or query.problem:
        return Result(hits, FoundBy.EVERY_WORD, query)
    if len(query.groups) > 1:
        some_words = dataclasses.replace(query, any_group=True)
        hits = search(some_words) if some_words.matched_groups else []
        if hits:
            return Result(hits, FoundBy.SOME_WORDS, some_words)
    term = segmentation.closest_term(query.text)
    if term:
        close = SearchQueryText.parse(term)
        hits = search(close)
        if hits:
            return Result(hits, FoundBy.CLOSE_TERM, close)
    return Result([], FoundBy.EVERY_WORD, query)
