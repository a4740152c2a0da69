"""Chinese is searched by words (jieba and the government's dictionary), not by characters."""

import pytest

from departments.models import Responsibility
from departments.search import SearchQueryText, search
from terms import segmentation
from terms.models import DictionaryWord
from tests.test_search import publish_with_responsibilities


def slugs_for(text):
    return {hit.slug for hit in search(SearchQueryText.parse(text))}


@pytest.fixture
def civil_affairs(make_department):
    """One department says 人民政府 (people's government), one 民政 (civil affairs)."""
    publish_with_responsibilities(
        make_department, "government-office", ("Serving the government", "服务省人民政府工作")
    )
    publish_with_responsibilities(
        make_department, "civil-affairs", ("Civil affairs", "主管全省民政工作")
    )


def test_a_word_inside_another_word_of_different_meaning_is_no_match(civil_affairs):
    assert slugs_for("民政") == {"civil-affairs"}
    assert "government-office" in slugs_for("人民政府")


def test_a_word_within_a_longer_term_is_found(seed):
    """身份证 is part of 居民身份证 (resident identity card) in the seed's responsibility 4."""
    hits = search(SearchQueryText.parse("身份证"))
    assert hits[0].url.endswith("/public-security/#responsibility-4")
    assert "<mark>身份证</mark>" in hits[0].snippet


def test_every_word_of_a_query_must_be_in_the_text(civil_affairs):
    assert slugs_for("民政工作") == {"civil-affairs"}
    assert slugs_for("民政 政府") == set()


def test_a_query_of_one_character_finds_it_in_any_word(civil_affairs):
    assert {"civil-affairs", "government-office"} <= slugs_for("政")


def test_publishing_stores_the_words_of_the_publication_only(make_department):
    department = publish_with_responsibilities(
        make_department, "bureau", ("Identity cards", "办理居民身份证")
    )
    draft = Responsibility.objects.get(department=department)
    published = Responsibility.objects.get(department__draft=department)
    assert draft.search_words == ""
    assert {"办理", "居民身份证", "身份证"} <= set(published.search_words.split())
    assert "民身" not in published.search_words.split()


@pytest.fixture
def fresh_dictionary(db):
    """Words a test adds go with its transaction: so do they from this process's segmenter."""
    words, synonyms = segmentation.dictionary_words(), segmentation.synonym_pairs()
    yield
    segmentation.loaded = segmentation.Segmenter(words, synonyms, segmentation.new_version())


def test_a_word_editors_add_is_searched_as_one_word(
    make_department, django_capture_on_commit_callbacks, fresh_dictionary
):
    department = publish_with_responsibilities(
        make_department, "stables", ("Unicorn papers", "签发独角兽证件")
    )
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryWord.objects.create(word="独角兽证")
    # The publication's words were segmented again with the new word.
    published = Responsibility.objects.get(department__draft=department)
    assert "独角兽证" in published.search_words.split()
    assert segmentation.query_words("独角兽证") == ("独角兽证",)
    assert slugs_for("独角兽证") == {"stables"}


def test_another_process_reloads_the_dictionary_when_its_version_changes(
    db, django_capture_on_commit_callbacks, fresh_dictionary
):
    segmentation.segmenter()
    loaded_before = segmentation.loaded
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryWord.objects.create(word="麒麟牌照")
    # This process saw the change through the shared version, as any other would.
    assert segmentation.segmenter() is not loaded_before
    assert segmentation.query_words("麒麟牌照") == ("麒麟牌照",)


def test_a_flushed_cache_does_not_reload_the_dictionary(db):
    from django.core.cache import cache

    loaded = segmentation.segmenter()
    cache.clear()
    assert segmentation.segmenter() is loaded
    assert cache.get(segmentation.VERSION_KEY) == loaded.version


def test_the_seeded_dictionary_keeps_government_terms_whole(db):
    assert {"居民身份证", "户口", "出入境", "驾驶证", "人民政府", "民政"} <= set(
        DictionaryWord.objects.values_list("word", flat=True)
    )
    assert segmentation.query_words("出入境证件") == ("出入境证件",)
