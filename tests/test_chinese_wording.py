"""Chinese pages say things the Chinese way: full-width punctuation with no space after it,
lists joined with 、, labels in Chinese order (issue 21)."""

from tests.conftest import page_text


def test_directory_counts_its_groups_in_full_width_parentheses(client, seed):
    chinese = client.get("/zh-hans/government/structure/").content.decode()
    english = client.get("/en/government/structure/").content.decode()
    assert '<span class="directory-group__count">（<span data-group-count>1</span>）</span>' in (
        chinese
    )
    assert '<span class="directory-group__count">(<span data-group-count>1</span>)</span>' in (
        english
    )


def test_api_documentation_lists_languages_with_the_chinese_separator(client, seed):
    chinese = client.get("/zh-hans/api/").content.decode()
    assert "<code>en</code>、<code>zh-hans</code>" in chinese
    assert "<code>en</code>, <code>zh-hans</code>" in client.get("/en/api/").content.decode()


def test_a_label_and_its_value_have_no_space_after_a_full_width_colon(client, seed):
    chinese = client.get("/zh-hans/api/").content.decode()
    assert '全部部门（英文）：<a href="/api/v1/departments/?lang=en">' in chinese
    english = client.get("/en/api/").content.decode()
    assert 'Every department, in English: <a href="/api/v1/departments/?lang=en">' in english


def test_search_hits_are_labelled_in_chinese_order(client, seed):
    text = page_text(client.get("/zh-hans/search/", {"q": "户籍"}))
    assert "浙江省公安厅 主要职责（四）" in text
    assert "– 主要职责" not in text
