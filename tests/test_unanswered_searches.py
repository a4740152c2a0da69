"""No dead ends: a search that finds nothing suggests where to go, and is counted for editors."""

import re
from datetime import timedelta

from django.utils import timezone

from terms.models import UnansweredQuery
from tests.conftest import page_text


def test_nothing_found_suggests_close_terms_and_the_directory(client, seed):
    response = client.get("/zh-hans/search/", {"q": "身分证"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="/zh-hans/search/?q=%E8%BA%AB%E4%BB%BD%E8%AF%81"' in content  # 身份证
    assert 'href="/zh-hans/government/structure/"' in content.split("search-results", 1)[1]


def test_an_english_typo_suggests_the_word_spelled_alike(client, seed):
    response = client.get("/en/search/", {"q": "pasport"})
    assert 'href="/en/search/?q=passport"' in response.content.decode()
    assert "Searches that may find it:" in page_text(response)


def test_the_first_suggestion_finds_something(client, seed):
    content = client.get("/zh-hans/search/", {"q": "身分证"}).content.decode()
    first = re.search(r'class="search-suggestions".*?href="([^"]+)"', content, re.S).group(1)
    response = client.get(first.replace("&amp;", "&"))
    assert "#responsibility-4" in response.content.decode()
    assert not UnansweredQuery.objects.filter(query="身份证").exists()


def test_each_search_that_found_nothing_is_counted(client, seed):
    for _ in range(3):
        response = client.get("/zh-hans/search/", {"q": "身分证"})
        assert "no-store" in response["Cache-Control"]
    client.get("/en/search/", {"q": "pasport"})
    rows = {(row.query, row.language, row.day, row.count) for row in UnansweredQuery.objects.all()}
    today = timezone.localdate()
    assert rows == {("身分证", "zh-hans", today, 3), ("pasport", "en", today, 1)}


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
