"""Chinese text as words, for the search: jieba with the government's dictionary.

Chinese has no spaces between words, and matching characters finds 民政 (civil
affairs) in 人民政府 (people's government). The search therefore compares words:
``indexed_words`` gives the words stored for a published text, ``query_words``
those of a query; a query matches a text when each of its words is among the
text's.

A text's words are jieba's segmentation of it (without its HMM guesses, which
would segment the same phrase differently in a text and in a query), the words
within each longer one as jieba splits it when it may not keep it whole
(居民身份证: 居民, 身份证, and so 身份, 证), and every single character, so that
a query of one character finds it anywhere. The words within are a
segmentation, not every dictionary word that occurs: 人民政府 gives 人民 and
政府, never 民政.

Each process keeps one segmenter with the dictionary and the synonyms that
expand queries (``expand``) it loaded, and the version it loaded (``VERSION_KEY``
in the shared cache, which a change of either renews). A missing version (a
flushed or restarted cache) keeps the loaded segmenter and records its version
again: an unknown version is not a change.
"""

import contextlib
import difflib
import logging
import re
import uuid

import jieba
from django.core.cache import cache

VERSION_KEY = "terms:dictionary-version"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"\w", re.UNICODE)
LATIN_WORD = re.compile(r"[\w\u3400-\u9fff]+", re.UNICODE)

# Words of how people ask rather than of what they ask about: left out of a query that
# has other words ("身份证怎么办", "how to apply for a passport").
STOP_WORDS = {
    *[
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "我",
        "我的",
        "你",
        "要",
        "想",
        "想要",
        "需要",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "哪里",
        "在哪",
        "在哪里",
    ],
    *[
        "哪儿",
        "去哪",
        "什么",
        "可以",
        "能",
        "找",
        "问",
        "请问",
        "办",
        "办理",
        "申请",
        "去",
        "在",
        "和",
        "与",
        "及",
        "手续",
        "流程",
        "咨询",
    ],
    *[
        "a",
        "an",
        "the",
        "for",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "my",
        "i",
        "me",
        "we",
        "how",
        "do",
        "does",
        "can",
        "where",
        "what",
        "which",
        "is",
        "are",
    ],
    *["get", "apply", "applying", "want", "need", "please", "and", "or", "with", "about", "who"],
}

jieba.setLogLevel(logging.WARNING)


class Segmenter:
    """jieba's tokenizer with the dictionary's words added, the synonyms, and their version."""

    def __init__(self, words, synonyms=(), version=None):
        self.tokenizer = jieba.Tokenizer()
        for word in words:
            self.tokenizer.add_word(word)
        self.version = version
        # (words of the term) -> [(words of what it also means), ...]
        self.synonyms = {}
        for term, means in synonyms:
            alternatives = self.synonyms.setdefault(self.query_words(term), [])
            alternative = self.query_words(means)
            if alternative and alternative not in alternatives:
                alternatives.append(alternative)
        self.synonyms.pop((), None)
        # What a search that found nothing may suggest instead.
        self.vocabulary = sorted({*words, *(term for pair in synonyms for term in pair)})
        self.longest_term = max(map(len, self.synonyms), default=0)

    def words(self, text):
        """jieba's precise segmentation, words only (no spaces or punctuation), lower case."""
        return [
            word.lower() for word in self.tokenizer.cut(text or "", HMM=False) if WORD.search(word)
        ]

    def parts(self, word):
        """The words a longer word is made of, as jieba cuts it when it may not keep it whole."""
        if len(word) < 3 or not CJK.search(word):
            return []
        dag = self.tokenizer.get_DAG(word)
        whole = len(word) - 1
        dag[0] = [end for end in dag[0] if end != whole] or [0]
        route = {}
        self.tokenizer.calc(word, dag, route)
        parts, start = [], 0
        while start < len(word):
            end = route[start][1] + 1
            parts.append(word[start:end])
            start = end
        return [deeper for part in parts for deeper in [part, *self.parts(part)]]

    def indexed_words(self, *texts):
        """The words stored for these texts, space-separated (see the module's docstring)."""
        found = set()
        for text in texts:
            for word in self.words(text):
                found.add(word)
                found.update(self.parts(word))
            found.update(CJK.findall(text or ""))
        return " ".join(sorted(found))

    def query_words(self, text):
        """The distinct words of a query, in the order typed: Chinese segmented, others
        split where a character is no letter or digit."""
        words = self.words(text) if CJK.search(text) else LATIN_WORD.findall(text.lower())
        words = tuple(dict.fromkeys(words))
        meaningful = tuple(word for word in words if word not in STOP_WORDS)
        return meaningful or words

    def expand(self, words):
        """The query's words in groups, each a list of alternatives that are tuples of
        words: a text matches when it has all the words of one alternative of every group.
        A synonym's term (one word or several in a row) becomes the group of itself and
        what it also means; any other word is a group of its own."""
        groups, start = [], 0
        while start < len(words):
            for size in range(min(self.longest_term, len(words) - start), 0, -1):
                phrase = tuple(words[start : start + size])
                if phrase in self.synonyms:
                    groups.append([phrase, *self.synonyms[phrase]])
                    start += size
                    break
            else:
                groups.append([(words[start],)])
                start += 1
        return groups

    def close_terms(self, text, limit=6):
        """[(likeness, term)] of the vocabulary's terms that look like ``text``, most alike
        first: in Chinese those sharing a character with it, in other languages those
        with a word spelled alike; likeness is difflib's ratio (1.0 the same)."""
        text = text.lower()
        scored = []
        if CJK.search(text):
            characters = set(CJK.findall(text))
            for term in self.vocabulary:
                if characters & set(term) and term != text:
                    scored.append((difflib.SequenceMatcher(None, text, term).ratio(), term))
        else:
            typed = LATIN_WORD.findall(text)
            for term in self.vocabulary:
                if not typed or CJK.search(term) or term == text:
                    continue
                likeness = max(
                    difflib.SequenceMatcher(None, word, known).ratio()
                    for word in typed
                    for known in LATIN_WORD.findall(term.lower()) or [""]
                )
                if likeness >= 0.75:
                    scored.append((likeness, term))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return scored[:limit]


loaded = None


def dictionary_words():
    from .models import DictionaryWord

    return list(DictionaryWord.objects.values_list("word", flat=True))


def synonym_pairs():
    from .models import Synonym

    return list(Synonym.objects.values_list("term", "means"))


def shared_version():
    # The search must answer when the cache does not: an unreadable version is unknown.
    try:
        return cache.get(VERSION_KEY)
    except Exception:
        return None


def new_version():
    """Marks the dictionary as changed, for every process."""
    version = uuid.uuid4().hex
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, version, timeout=None)
    return version


def segmenter():
    """This process's segmenter, reloaded when the dictionary's version has changed."""
    global loaded
    version = shared_version()
    if loaded is not None and version in (None, loaded.version):
        if version is None:
            with contextlib.suppress(Exception):
                cache.add(VERSION_KEY, loaded.version, timeout=None)
        return loaded
    loaded = Segmenter(dictionary_words(), synonym_pairs(), version or new_version())
    return loaded


def indexed_words(*texts):
    return segmenter().indexed_words(*texts)


# Words of every government text, too general to tell one matter from another: a search
# that falls back to some of its words ("civil affairs" → "affairs") leaves them out.
GENERIC_WORDS = {
    *["affairs", "affair", "work", "works", "management", "administration", "service"],
    *["services", "department", "bureau", "office", "province", "provincial", "public"],
    *["government", "general", "center", "centre", "related", "matters", "people"],
    *["事务", "工作", "管理", "服务", "部门", "单位", "省", "政府", "公共", "人民", "相关"],
}


def is_generic(group):
    """Whether every alternative of a query's group is only generic words."""
    return all(all(word in GENERIC_WORDS for word in alternative) for alternative in group)


def query_words(text):
    return segmenter().query_words(text)


def expand(words):
    return segmenter().expand(words)


# How alike a term must be to be searched in place of a query that found nothing.
CLOSE_ENOUGH = 0.5


def close_terms(text):
    """The terms a search that found nothing suggests."""
    return [term for _likeness, term in segmenter().close_terms(text)]


def closest_term(text):
    """The term searched in place of ``text`` (a typo's), or None when none is close enough.

    A known term is no typo: 民政 (civil affairs) that finds nothing has found nothing,
    and is never read as 人民政府. In Chinese a typo is one character written for another
    (身分证 for 身份证), or one left out or added in a longer word: never a shorter word
    found inside a longer one.
    """
    text = text.strip().lower()
    words = segmenter()
    if text in words.vocabulary:
        return None
    for likeness, term in words.close_terms(text, limit=6):
        if likeness < CLOSE_ENOUGH:
            break
        if not CJK.search(text) or one_character_apart(text, term):
            return term
    return None


def one_character_apart(typed, term):
    """Whether ``term`` is ``typed`` with one character replaced, or, in words of three
    characters or more, one character added or left out."""
    if len(typed) == len(term):
        return sum(a != b for a, b in zip(typed, term, strict=True)) == 1
    shorter, longer = sorted((typed, term), key=len)
    if len(longer) - len(shorter) != 1 or len(shorter) < 3:
        return False
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))
