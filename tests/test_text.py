import pytest
from django.utils import translation

from core.text import (
    item_number,
    join_list,
    large_number,
    number_in_words,
    summary,
    without_lead_in,
)


@pytest.mark.parametrize(
    ("number", "english", "chinese"),
    [
        (0, "zero", "零"),
        (1, "one", "一"),
        (2, "two", "两"),
        (12, "twelve", "十二"),
        (4, "four", "四"),
        (10, "ten", "十"),
        (16, "sixteen", "十六"),
        (20, "twenty", "二十"),
        (22, "twenty-two", "二十二"),
        (99, "ninety-nine", "九十九"),
        (100, "100", "100"),
    ],
)
def test_numbers_in_words(number, english, chinese):
    assert number_in_words(number, "en") == english
    assert number_in_words(number, "zh-hans") == chinese


def test_item_numbers_per_language():
    assert item_number(4, "en") == "(4)"
    assert item_number(2, "zh-hans") == "（二）"
    assert item_number(16, "zh-hans") == "（十六）"
    assert item_number(100, "zh-hans") == "（100）"


@pytest.mark.parametrize(
    ("items", "english", "chinese"),
    [
        (["A"], "A", "A"),
        (["A", "B"], "A and B", "A和B"),
        (["A", "B", "C"], "A, B, and C", "A、B和C"),
    ],
)
def test_lists_join_as_sentences(items, english, chinese):
    with translation.override("en"):
        assert join_list(items) == english
    with translation.override("zh-hans"):
        assert join_list(items) == chinese


@pytest.mark.parametrize(
    ("number", "english", "chinese"),
    [
        (20_000_000, "20 million", "2000万"),
        (50_000_000, "50 million", "5000万"),
        (200_000_000, "200 million", "2亿"),
        (12_345, "12,345", "12345"),
    ],
)
def test_large_numbers_in_each_languages_units(number, english, chinese):
    assert large_number(number, "en") == english
    assert large_number(number, "zh-hans") == chinese


# Descriptions: a text read away from the page around it.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Department is a component of the government. Its main responsibilities include:",
            "The Department is a component of the government.",
        ),
        ("浙江省公安厅是省政府组成部门。主要职责是：", "浙江省公安厅是省政府组成部门。"),
        ("Its main responsibilities include: ", "Its main responsibilities include"),
        ("A sentence. Another one.", "A sentence. Another one."),
        # Only a last sentence leads into what follows.
        ("Two kinds: A and B. That is all.", "Two kinds: A and B. That is all."),
    ],
)
def test_without_lead_in(text, expected):
    assert without_lead_in(text) == expected


def test_a_summary_keeps_the_whole_sentences_that_fit():
    text = "First sentence. " + "Second sentence is long. " * 10
    assert summary(text, 40) == "First sentence. Second sentence is long."


def test_a_summary_cuts_a_long_first_sentence_after_a_whole_word():
    assert summary("The quick brown fox jumps over the lazy dog.", 20) == "The quick brown fox…"
    assert len(summary("word " * 100)) <= 160


def test_a_chinese_summary_cuts_at_a_sentence_or_a_character():
    assert summary("第一句。第二句很长很长很长。", 8) == "第一句。"
    assert summary("很" * 30, 10) == "很" * 9 + "…"
