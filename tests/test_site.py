import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.conftest import page_text


def public_url_names(resolver=None, namespace=""):
    """Every named URL of the public site (the admin has its own checks)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{entry.namespace}:" if entry.namespace else namespace
            yield from public_url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


URL_KWARGS = {"departments:department_detail": {"slug": "public-security"}}
# Pages for signed-in staff only; tests/test_publishing.py covers them.
STAFF_ONLY = {"departments:department_preview"}
# Machine-readable answers without an <h1>; tests/test_feeds_and_sitemaps.py covers them,
# tests/test_favicon.py the icon.
NOT_HTML = {"departments:feed", "sitemap", "robots_txt", "favicon"}


def test_there_are_no_pending_migrations(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_named_url_answers_with_exactly_one_h1(client, seed, language):
    names = sorted(set(public_url_names()) - STAFF_ONLY - NOT_HTML)
    assert {"home", "government", "departments:department_list"} <= set(names)
    for name in names:
        with translation.override(language):
            url = reverse(name, kwargs=URL_KWARGS.get(name))
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(re.findall(r"<h1\b", response.content.decode())) == 1, url


def test_unknown_path_answers_404_page_with_one_h1(client, seed):
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert len(re.findall(r"<h1\b", response.content.decode())) == 1
    assert "找不到页面" in page_text(response)


@pytest.mark.parametrize(("language", "title"), [("en", "Server error"), ("zh-hans", "服务器错误")])
def test_server_error_page_needs_no_context(rf, language, title):
    """Django renders 500.html with neither context nor request, whatever went wrong."""
    with translation.override(language):
        response = server_error(rf.get(f"/{language}/"))
    content = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in content
    assert f"<h1>{title}</h1>" in content


def test_footer_shows_site_settings(client, seed):
    content = client.get("/zh-hans/").content.decode()
    assert "主办：浙江省人民政府办公厅" in content
    assert "浙ICP备" in content


def test_government_page_counts_published_departments(client, seed):
    text = page_text(client.get("/en/government/"))
    assert "People’s Government of Zhejiang Province" in text
    assert "1 department is published." in text
