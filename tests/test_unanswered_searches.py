"""No dead ends: a search that finds nothing suggests where to go, and is counted for editors."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from terms.models import UnansweredQuery
from tests.conftest import page_text
from tests.test_search import count_queries, publish_with_responsibilities


def test_nothing_found_suggests_the_directory(client, seed):
    response = client.get("/en/search/", {"q": "qqqzzzxxx"})
    results = response.content.decode().split("search-results", 1)[1]
    assert 'href="/en/government/structure/"' in results
    assert "search-suggestions" not in results


def test_a_chinese_typo_shows_the_results_of_the_closest_term(client, seed):
    response = client.get("/zh-hans/search/", {"q": "身分证"})
    content = response.content.decode()
    assert "未找到与“身分证”相符的结果，以下是“身份证”的搜索结果。" in page_text(response)
    assert 'href="/zh-hans/government/structure/public-security/#responsibility-4"' in content
    # Other close terms to try: 居民身份证 among them.
    assert 'href="/zh-hans/search/?q=%E5%B1%85%E6%B0%91%E8%BA%AB%E4%BB%BD%E8%AF%81"' in content


def test_a_known_word_that_finds_nothing_is_not_read_as_a_longer_one(client, seed):
    """民政 (civil affairs) is no typo of 人民政府: it finds nothing, and says so, rather than
    Public Security (whose introduction names the provincial 人民政府)."""
    response = client.get("/zh-hans/search/", {"q": "民政"})
    text = page_text(response)
    assert "以下是" not in text
    assert "#responsibility-" not in response.content.decode()
    assert 'href="/zh-hans/government/structure/public-security/"' not in response.content.decode()
    assert UnansweredQuery.objects.filter(query="民政").exists()


def test_a_query_falls_back_only_to_words_that_tell_a_matter_apart(client, seed):
    """ "civil affairs" has no page; Public Security's responsibility 5, which manages
    foreigners' "affairs", is no answer to it."""
    response = client.get("/en/search/", {"q": "civil affairs"})
    assert "#responsibility-" not in response.content.decode()
    assert UnansweredQuery.objects.filter(query="civil affairs").exists()
    # A specific word still finds its texts when the others are not on any page.
    response = client.get("/en/search/", {"q": "passport affairs office"})
    assert "#responsibility-5" in response.content.decode()


def test_an_english_typo_shows_the_results_of_the_word_spelled_alike(client, seed):
    response = client.get("/en/search/", {"q": "pasport"})
    assert "These are the results for “passport”." in page_text(response)
    assert "#responsibility-5" in response.content.decode()


def test_a_suggestion_is_a_search_that_finds_something(client, seed):
    content = client.get("/zh-hans/search/", {"q": "身分证"}).content.decode()
    link = re.search(r'class="search-suggestions".*?href="([^"]+)"', content, re.S).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert 'class="search-hit"' in response.content.decode()


def test_a_sentence_shows_the_texts_with_some_of_its_words(client, seed):
    response = client.get("/en/search/", {"q": "passport lost unicorn"})
    assert "No page has all of your words; these have some of them." in page_text(response)
    assert "#responsibility-5" in response.content.decode()


def test_stop_words_are_left_out_of_a_question(seed):
    from departments.search import SearchQueryText, search

    assert search(SearchQueryText.parse("身份证怎么办"))[0].url.endswith("#responsibility-4")
    hits = search(SearchQueryText.parse("how to apply for a passport"))
    assert any(hit.url.endswith("#responsibility-5") for hit in hits[:3])


def test_each_search_that_found_nothing_is_counted(client, seed):
    for _ in range(3):
        response = client.get("/zh-hans/search/", {"q": "身分证"})
        assert "no-store" in response["Cache-Control"]
    client.get("/en/search/", {"q": "qqqzzzxxx"})
    rows = {(row.query, row.language, row.day, row.count) for row in UnansweredQuery.objects.all()}
    today = timezone.localdate()
    assert rows == {("身分证", "zh-hans", today, 3), ("qqqzzzxxx", "en", today, 1)}


def test_searches_that_found_something_or_said_nothing_are_not_counted(client, seed):
    client.get("/en/search/", {"q": "ID cards"})
    client.get("/en/search/", {"q": ""})
    client.get("/en/search/", {"q": "?!"})
    assert not UnansweredQuery.objects.exists()


def test_only_the_search_is_kept_nothing_about_who_searched(db):
    fields = {field.name for field in UnansweredQuery._meta.get_fields()}
    assert fields == {"id", "query", "language", "day", "count"}


def test_the_admin_lists_the_most_frequent_of_the_last_30_days(admin_client, db):
    today = timezone.localdate()
    for query, days_ago, count in [
        ("社保卡", 0, 2),
        ("社保卡", 29, 5),
        ("pension age", 3, 4),
        ("old query", 30, 50),
    ]:
        UnansweredQuery.objects.create(
            query=query,
            language="zh-hans" if query == "社保卡" else "en",
            day=today - timedelta(days=days_ago),
            count=count,
        )
    response = admin_client.get("/admin/terms/unansweredquery/")
    assert response.status_code == 200
    table = response.content.decode().split('id="most-frequent-heading"')[1].split("</table>")[0]
    rows = [[cell.strip() for cell in row.split("<td")[1:]] for row in table.split("<tr>")[2:]]
    assert [row[0].split(">", 1)[1].split("<")[0] for row in rows] == ["社保卡", "pension age"]
    assert ">7</td>" in table and ">4</td>" in table
    assert "old query" not in table


def test_the_unanswered_searches_cannot_be_added_or_edited(admin_client, db):
    row = UnansweredQuery.objects.create(
        query="x", language="en", day=timezone.localdate(), count=1
    )
    assert admin_client.get("/admin/terms/unansweredquery/add/").status_code == 403
    response = admin_client.post(f"/admin/terms/unansweredquery/{row.pk}/change/", {"count": 9})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.count == 1


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/zh-hans/search/", "身分证"),
        ("/en/search/", "passport lost unicorn"),
        ("/en/search/", "qqqzzz xxxyyy"),
    ],
)
def test_fallbacks_need_the_same_queries_with_more_departments(
    uncached, client, seed, make_department, url, query
):
    # The first one of the day also inserts its count's row.
    count_queries(client, url, query)
    with_one = count_queries(client, url, query)
    for number in range(12):
        publish_with_responsibilities(
            make_department, f"bureau-{number}", ("Issuing passports", "签发身份证和护照")
        )
    assert count_queries(client, url, query) == with_one


def test_editors_extend_the_vocabulary_and_read_what_found_nothing(client, db):
    from tests.test_admin_permissions import make_staff

    client.force_login(make_staff("editor", "Editor"))
    UnansweredQuery.objects.create(query="社保卡", language="zh-hans", day=timezone.localdate())
    assert "社保卡" in client.get("/admin/terms/unansweredquery/").content.decode()
    response = client.post("/admin/terms/synonym/add/", {"term": "社保卡", "means": "社会保险"})
    assert response.status_code == 302
    response = client.post("/admin/terms/dictionaryword/add/", {"word": "社保卡"})
    assert response.status_code == 302
