"""Citizens find the department and the exact responsibility for their matter."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departments import search as search_module
from departments.search import MAX_QUERY_LENGTH, SearchQueryText, search
from departments.services import publish
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
    assert "Department of Public Security of Zhejiang Province – Responsibility (4)" in page_text(
        response
    )


def test_chinese_results_page(client, seed):
    response = client.get("/zh-hans/search/", {"q": "户籍"})
    text = page_text(response)
    # Named in Chinese order, numbered as the page numbers it.
    assert "浙江省公安厅 主要职责（四）" in text
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
        publish(department)
    # 6 for the page, and 1 for the page cache's check of the versions of what it shows.
    with django_assert_max_num_queries(7):
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
    assert "departments_responsibility_words" in names


# Search at scale: the same queries and the same hits, however many departments match.


def publish_with_responsibilities(make_department, slug, *texts, **fields):
    """A published department whose responsibilities have these (English, Chinese) texts."""
    department = make_department(slug, publish_now=False, **fields)
    for number, (english, chinese) in enumerate(texts):
        department.responsibilities.create(
            code=f"r{number}", sort_order=number, text_en=english, text_zh_hans=chinese
        )
    publish(department)
    return department


def count_queries(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": query})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "query"), [("/en/search/", "ID cards"), ("/zh-hans/search/", "身份证")]
)
def test_search_needs_the_same_queries_with_more_departments(
    uncached, client, seed, make_department, url, query
):
    with_one = count_queries(client, url, query)
    for number in range(12):
        publish_with_responsibilities(
            make_department, f"bureau-{number}", ("Issuing ID cards to visitors", "签发访客身份证")
        )
    assert count_queries(client, url, query) == with_one


@pytest.mark.parametrize("query", ["unicorn", "独角兽"])
def test_more_matches_than_results_show_the_best(seed, make_department, query):
    for number in range(search_module.MAX_RESULTS + 5):
        publish_with_responsibilities(
            make_department, f"bureau-{number}", ("Checking unicorn stables", "检查独角兽马厩")
        )
    publish_with_responsibilities(make_department, "stables", ("Unicorn", "独角兽"))
    hits = hits_for(query)
    assert len(hits) == search_module.MAX_RESULTS
    assert hits[0].url.endswith("/stables/#responsibility-1")


def test_drafts_do_not_take_the_place_of_published_matches(seed, make_department, monkeypatch):
    """Matches are counted towards the bound on candidates only once they are published."""
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    for number in range(6):
        department = make_department(f"draft-{number}", publish_now=False)
        department.responsibilities.create(code="u", text_en="Licensing unicorns")
    for number in range(2):
        publish_with_responsibilities(
            make_department, f"bureau-{number}", ("Licensing unicorns", "独角兽许可")
        )
    assert sorted(hit.slug for hit in hits_for("unicorns")) == ["bureau-0", "bureau-1"]


def test_equal_matches_come_in_the_order_they_were_published(seed, make_department):
    for slug in ["bureau-b", "bureau-c", "bureau-a"]:
        publish_with_responsibilities(make_department, slug, ("Licensing unicorns", "独角兽许可"))
    assert [hit.slug for hit in hits_for("unicorns")] == ["bureau-b", "bureau-c", "bureau-a"]


@pytest.mark.parametrize(("language", "query"), [("en", "unicorn"), ("zh-hans", "独角兽")])
def test_each_hit_links_to_its_item_on_the_page(client, seed, make_department, language, query):
    department = make_department("stables", publish_now=False)
    # Page order is sort order, then creation: numbers differ from creation order.
    for code, sort_order, english, chinese in [
        ("a", 30, "Feeding unicorns", "喂养独角兽"),
        ("b", 10, "Cleaning stables", "打扫马厩"),
        ("c", 20, "Grooming unicorns", "梳理独角兽"),
        ("d", 20, "Shoeing horses", "钉马掌"),
        ("e", 20, "Counting unicorns", "清点独角兽"),
    ]:
        department.responsibilities.create(
            code=code, sort_order=sort_order, text_en=english, text_zh_hans=chinese
        )
    department.institutions.create(
        code="i", sort_order=5, name_en="Unicorn Division", name_zh_hans="独角兽处"
    )
    department.institutions.create(code="j", sort_order=1, name_en="Office", name_zh_hans="办公室")
    department.affiliated_units.create(
        code="k", sort_order=2, name_en="Unicorn Farm", name_zh_hans="独角兽农场"
    )
    department.affiliated_units.create(
        code="l", sort_order=1, name_en="Horse Farm", name_zh_hans="马场"
    )
    publish(department)
    hits = [hit for hit in hits_for(query) if hit.slug == "stables" and hit.anchor]
    assert sorted(hit.anchor for hit in hits) == [
        "institution-2",
        "responsibility-2",
        "responsibility-4",
        "responsibility-5",
        "unit-2",
    ]
    path, _anchor = hits[0].url.split("#")
    page = client.get(path).content.decode()
    for hit in hits:
        item = re.search(rf'<(li|span) id="{hit.anchor}"[^>]*>(.*?)</\1>', page, re.S)
        assert item, hit.anchor
        assert query.lower() in item.group(2).lower(), hit.anchor
    assert hits[0].language == language


def test_a_scheduled_publication_is_searched_from_its_moment(seed):
    seed.responsibilities.filter(sort_order=4).update(
        text_en="Issuing unicorn licences",
        text_zh_hans="签发独角兽执照",
        search_terms_en="",
        search_terms_zh_hans="",
    )
    moment = timezone.now() + timedelta(hours=1)
    publish(seed, live_from=moment)
    assert hits_for("unicorn") == []
    assert hits_for("独角兽") == []
    assert hits_for("ID cards")
    with mock.patch("django.utils.timezone.now", return_value=moment + timedelta(minutes=1)):
        assert hits_for("unicorn")[0].url.endswith("#responsibility-4")
        assert hits_for("独角兽")[0].url.endswith("#responsibility-4")
        assert hits_for("ID cards") == []


def test_chinese_query_matches_its_characters_in_order(seed, make_department):
    publish_with_responsibilities(
        make_department,
        "bureau",
        ("Bureau office hall", "公安厅办事大厅"),
        ("Other", "安厅公安服务"),
    )
    urls = [hit.url for hit in hits_for("公安厅") if "/bureau/" in hit.url]
    assert urls == ["/zh-hans/government/structure/bureau/#responsibility-1"]
    assert any(hit.url.endswith("/bureau/#responsibility-2") for hit in hits_for("服"))


def test_chinese_query_ignores_the_case_of_latin_letters(seed, make_department):
    publish_with_responsibilities(make_department, "bureau", ("Tolls", "办理ETC卡"))
    assert [hit.slug for hit in hits_for("etc卡")] == ["bureau"]


@pytest.mark.parametrize("query", ["户%", "户_", "户'", "户\\", "户籍'); --"])
def test_odd_chinese_queries_answer_normally(client, seed, query):
    response = client.get("/zh-hans/search/", {"q": query})
    assert response.status_code == 200
    assert f"“{query}”的搜索结果" in page_text(response)


def test_search_migration_reverses_and_reapplies_on_a_database_with_data(seed):
    if connection.vendor != "postgresql":
        pytest.skip("the migration changes PostgreSQL only")
    with connection.cursor() as cursor:
        # The seed's foreign keys are checked at commit, which the test never reaches;
        # PostgreSQL alters no table with such checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("migrate", "departments", "0004", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'departments_responsibility'"
        )
        assert "search_vector_en" not in {row[0] for row in cursor.fetchall()}
    call_command("migrate", "departments", verbosity=0)
    assert hits_for("ID cards")[0].url.endswith("#responsibility-4")
    assert hits_for("户籍")[0].url.endswith("#responsibility-4")
