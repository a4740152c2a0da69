"""Citizens find the department and the exact responsibility for their matter."""

import re

import pytest
from django.db import connection

from departments.search import MAX_QUERY_LENGTH, SearchQueryText, search
from tests.conftest import page_text


def hits_for(text):
    return search(SearchQueryText.parse(text))


def test_english_query_finds_the_responsibility_for_id_cards(seed):
    hits = hits_for("ID cards")
    assert hits, "no hits"
    best = hits[0]
    assert best.slug == "public-security"
    assert best.url == "/en/government/structure/public-security/#responsibility-4"
    assert "<mark>ID</mark> <mark>cards</mark>" in best.snippet


@pytest.mark.parametrize("text", ["户籍", "身份证"])
def test_chinese_query_finds_the_chinese_responsibility(seed, text):
    hits = hits_for(text)
    assert hits[0].url == "/zh-hans/government/structure/public-security/#responsibility-4"
    assert f"<mark>{text}</mark>" in hits[0].snippet


def test_entry_and_exit_leads_to_responsibility_five(seed):
    urls = [hit.url for hit in hits_for("entry and exit")]
    assert "/en/government/structure/public-security/#responsibility-5" in urls[:3]


def test_institutions_and_units_are_found_with_their_anchor(seed):
    assert hits_for("Retirement")[0].url.endswith("#institution-22")
    assert hits_for("Airport Public Security Bureau")[0].url.endswith("#unit-4")
    assert hits_for("政治部")[0].url.endswith("#institution-1")


def test_department_name_is_found(seed):
    hits = hits_for("Public Security Zhejiang")
    assert hits[0].kind == "department"
    assert hits[0].url == "/en/government/structure/public-security/"


def test_only_published_text_is_searched(seed, make_department):
    seed.responsibilities.filter(sort_order=4).update(text_en="Issuing unicorn licences")
    assert hits_for("unicorn") == []
    make_department("draft-only", publish_now=False, name_en="Bureau of Unicorns")
    assert hits_for("Unicorns") == []


def test_results_page_links_to_the_exact_item(client, seed):
    response = client.get("/en/search/", {"q": "ID cards"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/en/government/structure/public-security/#responsibility-4"' in content
    assert "Department of Public Security of Zhejiang Province – Responsibility 4" in page_text(
        response
    )


def test_chinese_results_page(client, seed):
    response = client.get("/zh-hans/search/", {"q": "户籍"})
    text = page_text(response)
    assert "浙江省公安厅" in text
    assert 'href="/zh-hans/government/structure/public-security/#responsibility-4"' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "advice"),
    [
        ("", "Type a word or two about your matter"),
        ("   ", "Type a word or two about your matter"),
        ("?!…—()", "Your search has no letters or numbers"),
        ("qqqzzzxxx", "Nothing matched"),
        ("'; DROP TABLE zzzqqq; --", "Nothing matched"),
        ("%", "Your search has no letters or numbers"),
        ("_", "Nothing matched"),
        ("ID' OR '1'='1", "result"),
    ],
)
def test_odd_queries_answer_normally_with_advice(client, seed, query, advice):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert advice in page_text(response)


def test_very_long_query_is_shortened_and_said_so(client, seed):
    response = client.get("/en/search/", {"q": "ID cards " * 1200})
    assert response.status_code == 200
    text = page_text(response)
    assert f"only its first {MAX_QUERY_LENGTH} characters were used" in text


def test_search_box_is_in_the_header_of_every_page(client, seed):
    for url in [
        "/en/",
        "/zh-hans/government/structure/",
        "/en/government/structure/public-security/",
    ]:
        header = re.search(
            r"<header class=\"site-header\".*?</header>", client.get(url).content.decode(), re.S
        )
        assert 'role="search"' in header.group(0), url
        assert 'name="q"' in header.group(0), url


@pytest.mark.parametrize("departments", [1, 12])
def test_search_queries_do_not_grow_with_the_data(
    client, seed, make_department, django_assert_max_num_queries, departments
):
    for number in range(departments):
        department = make_department(f"bureau-{number}", publish_now=False)
        department.responsibilities.create(text_en="Managing ID cards of visitors", code="ids")
        from departments.services import publish

        publish(department)
    with django_assert_max_num_queries(6):
        response = client.get("/en/search/", {"q": "ID cards"})
    assert response.status_code == 200


def test_postgresql_uses_the_search_indexes(seed):
    if connection.vendor != "postgresql":
        pytest.skip("the indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'departments_responsibility'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert "departments_responsibility_en_fts" in names
    assert "departments_responsibility_text_zh_hans_trgm" in names
