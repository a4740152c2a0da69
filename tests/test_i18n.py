import re
from unittest import mock

import pytest

from departments.views import DepartmentListView
from tests.conftest import assert_in_order, page_text

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("zh-CN,zh;q=0.9,en;q=0.5", "/zh-hans/"), ("en-GB,en;q=0.8", "/en/"), ("fr-FR", "/en/")],
)
def test_root_redirects_by_browser_language(client, seed, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(("url", "lang"), [(EN_URL, "en"), (ZH_URL, "zh-hans")])
def test_html_lang_matches_the_page_language(client, seed, url, lang):
    content = client.get(url).content.decode()
    assert f'<html lang="{lang}">' in content


def test_language_switcher_leads_to_the_same_page_in_the_other_language(client, seed):
    content = client.get(EN_URL).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', content, re.S).group(0)
    assert f'href="http://testserver{ZH_URL}"' in switcher
    assert "简体中文" in switcher
    content = client.get(ZH_URL).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', content, re.S).group(0)
    assert f'href="http://testserver{EN_URL}"' in switcher


def test_language_switcher_keeps_the_query_string(client, seed):
    content = client.get("/en/government/structure/?page=1").content.decode()
    assert 'href="http://testserver/zh-hans/government/structure/?page=1"' in content


def test_every_page_lists_hreflang_alternates(client, seed):
    content = client.get(ZH_URL).content.decode()
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{EN_URL}">' in content
    assert f'<link rel="alternate" hreflang="zh-hans" href="http://testserver{ZH_URL}">' in content


def test_interface_is_translated_on_the_chinese_page(client, seed):
    text = page_text(client.get(ZH_URL))
    for phrase in [
        "首页",
        "政府",
        "政府机构",
        "机构职能",
        "内设机构",
        "所属单位",
        "直属单位",
        "联系方式",
    ]:
        assert phrase in text
    for phrase in ["Home", "Institutional functions", "Internal institutions"]:
        assert phrase not in text


def test_directory_groups_departments_by_kind_in_each_language(client, seed, make_department):
    make_department("statistics", kind="affiliated", name_en="Statistics Bureau")
    text = page_text(client.get("/en/government/structure/"))
    assert "Component department (1) Department of Public Security of Zhejiang Province" in text
    assert "Directly affiliated institution (1) Statistics Bureau" in text
    content = client.get("/zh-hans/government/structure/").content.decode()
    assert f'<a href="{ZH_URL}">浙江省公安厅</a>' in content
    assert "组成部门" in content


def test_directory_hides_unpublished_departments(client, seed, make_department):
    make_department("draft-only", publish_now=False, name_en="Secret Draft")
    assert "Secret Draft" not in page_text(client.get("/en/government/structure/"))


@pytest.mark.parametrize("count", [1, 30])
def test_directory_queries_do_not_grow_with_departments(
    uncached, client, seed, make_department, django_assert_max_num_queries, count
):
    for number in range(count):
        make_department(f"bureau-{number}", name_en=f"Bureau {number}")
    with django_assert_max_num_queries(3):
        response = client.get("/en/government/structure/")
    assert page_text(response).count("Bureau ") == count


@pytest.fixture
def directory_of_three_per_page():
    with mock.patch.object(DepartmentListView, "paginate_by", 3):
        yield


def test_a_long_directory_is_paged_in_kind_order(
    client, seed, make_department, directory_of_three_per_page
):
    make_department("statistics", kind="affiliated", name_en="Statistics Bureau", sort_order=1)
    make_department("weather", kind="affiliated", name_en="Weather Bureau", sort_order=2)
    make_department("audit", kind="component", name_en="Audit Office", sort_order=5)
    make_department("archives", kind="public-institution", name_en="Archives Centre")
    first = client.get("/en/government/structure/")
    text = page_text(first)
    assert "5 departments" in text and "Page 1 of 2" in text
    assert_in_order(text, ["Department of Public Security", "Audit Office", "Statistics Bureau"])
    assert "Weather Bureau" not in text
    content = first.content.decode()
    assert 'rel="next" href="?page=2"' in content
    # With more than one page, the filter asks the server rather than hiding what it has.
    assert "data-directory-filter" not in content
    second = page_text(client.get("/en/government/structure/", {"page": "2"}))
    assert_in_order(second, ["Weather Bureau", "Archives Centre", "Page 2 of 2"])
    assert "Audit Office" not in second


def test_directory_pages_keep_the_name_filter(
    client, seed, make_department, directory_of_three_per_page
):
    for number in range(4):
        make_department(f"bureau-{number}", name_en=f"Bureau {number}")
    content = client.get("/en/government/structure/", {"name": "bureau"}).content.decode()
    assert 'href="?name=bureau&amp;page=2"' in content
    assert "Bureau 3" in page_text(client.get("/en/government/structure/?name=bureau&page=2"))


@pytest.mark.parametrize("page", ["99", "abc", "-1"])
def test_directory_page_that_does_not_exist_is_404(client, seed, page):
    assert client.get("/en/government/structure/", {"page": page}).status_code == 404


def test_directory_filters_by_name_without_javascript(client, seed, make_department):
    make_department(
        "statistics", kind="affiliated", name_en="Statistics Bureau", name_zh_hans="统计局"
    )
    text = page_text(client.get("/en/government/structure/", {"name": "统计"}))
    assert "Statistics Bureau" in text
    assert "Department of Public Security" not in text
    assert "1 department" in text
