"""What citizens call things: search terms of responsibilities and site-wide synonyms."""

import pytest

from departments.search import SearchQueryText, search
from terms import segmentation
from terms.models import Synonym
from tests.test_search import publish_with_responsibilities


def urls_for(text):
    return [hit.url for hit in search(SearchQueryText.parse(text))]


@pytest.mark.parametrize(
    ("query", "anchor"),
    [
        ("户口", "/zh-hans/government/structure/public-security/#responsibility-4"),
        ("补办身份证", "/zh-hans/government/structure/public-security/#responsibility-4"),
        ("护照", "/zh-hans/government/structure/public-security/#responsibility-5"),
        ("驾照", "/zh-hans/government/structure/public-security/#responsibility-6"),
        ("hukou", "/en/government/structure/public-security/#responsibility-4"),
        ("passport", "/en/government/structure/public-security/#responsibility-5"),
        ("driving licence", "/en/government/structure/public-security/#responsibility-6"),
        ("cybercrime", "/en/government/structure/public-security/#responsibility-7"),
    ],
)
def test_the_seed_responsibilities_are_found_by_what_citizens_type(seed, query, anchor):
    assert anchor in urls_for(query)[:3]


def test_search_terms_are_searched_but_never_shown(client, seed):
    hits = search(SearchQueryText.parse("补办身份证"))
    (hit,) = [hit for hit in hits if hit.anchor == "responsibility-4"]
    assert "补办" not in hit.text
    assert "补办" not in hit.snippet
    page = client.get("/zh-hans/government/structure/public-security/").content.decode()
    assert "补办身份证" not in page


@pytest.fixture
def insurance(make_department):
    return publish_with_responsibilities(
        make_department,
        "human-resources",
        ("Administering old-age insurance", "负责全省社会保险经办工作"),
        ("Medical security of employees", "医疗保障"),
    )


@pytest.mark.parametrize(
    ("query", "anchor"),
    [
        ("社保", "#responsibility-1"),
        ("pension", "#responsibility-1"),
        ("医保", "#responsibility-2"),
    ],
)
def test_a_synonym_finds_the_word_of_the_texts(insurance, query, anchor):
    assert any(url.endswith(f"/human-resources/{anchor}") for url in urls_for(query))


def test_a_synonym_hit_marks_the_word_of_the_text(insurance):
    (hit,) = [hit for hit in search(SearchQueryText.parse("社保")) if hit.slug == "human-resources"]
    assert "<mark>社会保险</mark>" in hit.snippet


def test_a_synonym_editors_add_expands_queries_at_once(
    make_department, django_capture_on_commit_callbacks
):
    publish_with_responsibilities(make_department, "stables", ("Stabling unicorns", "独角兽马厩"))
    assert urls_for("麒麟") == []
    words, synonyms = segmentation.dictionary_words(), segmentation.synonym_pairs()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            Synonym.objects.create(term="麒麟", means="独角兽")
        assert urls_for("麒麟") == ["/zh-hans/government/structure/stables/#responsibility-1"]
    finally:
        segmentation.loaded = segmentation.Segmenter(words, synonyms, segmentation.new_version())


def test_a_synonym_is_one_way(insurance, make_department):
    publish_with_responsibilities(make_department, "colloquial", ("Social security", "社保卡"))
    assert not any("/colloquial/" in url for url in urls_for("社会保险"))


def test_the_responsibility_form_has_search_terms(admin_client, seed):
    response = admin_client.get(f"/admin/departments/department/{seed.pk}/change/")
    content = response.content.decode()
    assert 'name="responsibilities-0-search_terms_zh_hans"' in content
    assert 'name="responsibilities-0-search_terms_en"' in content


def test_synonyms_are_listed_in_the_admin(admin_client, db):
    response = admin_client.get("/admin/terms/synonym/", {"q": "社保"})
    assert response.status_code == 200
    assert "社会保险" in response.content.decode()
