"""Counts and lists of names: "four" and "四", "A, B and the C", and which name means which."""

import difflib
import re

from .vocabulary import (
    CHINESE,
    CN_DIGITS,
    CN_VALUES,
    COUNT_TAIL_ZH,
    EN_SMALL_WORDS,
    EN_STOP_WORDS,
    EN_TENS,
    EN_UNIT_NOUNS,
    EN_UNITS,
    ENGLISH,
    LIST_CLOSE_EN,
    LIST_CLOSE_ZH,
    NAME_MAX,
    ZH_UNIT_SUFFIX,
)

# The full-width punctuation of Chinese lists, half-width (to match ``fold``-ed patterns).
FOLD_PUNCTUATION = str.maketrans("，；。：", ",;.:")

# Numbers.


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


def strip_article(name):
    return re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.I)


def looks_like_name(name, language):
    if not name or len(name) > NAME_MAX:
        return False
    if re.search(r"\d{5,}|@|https?://|www\.", name):
        # A telephone number, an e-mail or a web address: a contact, never a name.
        return False
    if language == CHINESE:
        return len(name) <= 60 and not re.search(r"[。；;：:!?！？]", name)
    return len(name.split()) <= 16 and not re.search(r"[;:!?]|\.\s", name)


def title_like(name):
    """An English name is written in title case ("Office of the Party Committee"); a line of
    prose ("Last reviewed by the web team") is not."""
    words = name.split()
    return bool(words) and all(
        not word[0].isalpha() or word[0].isupper() or word.lower() in EN_SMALL_WORDS
        for word in words
    )


def cut_count_tail(text, language):
    """(the list, its count or None) of "A、B、C，共3个": the tail is no part of the last name."""
    if language != CHINESE:
        return text, None
    match = COUNT_TAIL_ZH.search(text.translate(FOLD_PUNCTUATION))
    if not match:
        return text, None
    return text[: match.start()], count_value(match.group("count"))


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
    separators = (
        # Chinese names hold no space: one between two characters separates two names.
        r"\s*[、,，;；]\s*|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
        if language == CHINESE
        else r"\s*[,;]\s*"
    )
    # "…, etc." and "…等" close a list; they are no part of its last name.
    close = LIST_CLOSE_ZH if language == CHINESE else LIST_CLOSE_EN
    text = close.sub("", text.strip())
    parts = [part.strip() for part in re.split(separators, text)]
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


# Matching a name to the names listed.


def name_words(name):
    words = re.findall(r"[a-z0-9]+", name.lower())
    return [word for word in words if word not in EN_STOP_WORDS] or words


def similarity(first, second, language):
    if language == CHINESE:
        first, second = re.sub(r"\s", "", first), re.sub(r"\s", "", second)
        if first == second:
            return 1.0
        ratio = difflib.SequenceMatcher(None, first, second).ratio()
        if first in second or second in first:
            # The longer of two names inside a full name is the one it means: 机关党委办公室
            # is 机关党委's office, not the 办公室.
            shorter, longer = sorted((first, second), key=len)
            return max(ratio, 0.8 + 0.1 * len(shorter) / len(longer))
        return ratio
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
