"""The shapes of legacy pages beyond the corpus's samples (issue 20): contact annotations and
several values a line, day-first dates, an HTML page's title and chrome, contact tables and
definition lists, numbered chapter headings, and text that is no structure page."""

import pytest
from django.utils import timezone

from departments import legacy as importer
from departments.models import Department
from tests.legacy_import import row_counts, run


def parse(text, name="page.txt"):
    return importer.parse_export(text.encode("utf-8"), name)


def contacts(page):
    return [(contact.kind, contact.label, contact.value) for contact in page.contacts]


ENGLISH_PAGE = """Bureau of Testing of Lanshan Province
{date}

(1) Testing things.
(2) Retesting them.

{contacts}
"""

CHINESE_PAGE = """岚山省测试局
2021年3月15日

（一）负责测试。
（二）负责复测。

{contacts}
"""


@pytest.mark.parametrize(
    ("template", "line", "expected"),
    [
        (
            ENGLISH_PAGE,
            "Telephone: 0571-86757001 ext. 8001",
            [("telephone", "Telephone (ext. 8001)", "0571-86757001")],
        ),
        (
            ENGLISH_PAGE,
            "Duty telephone: 0571-87099110 (24 hours)",
            [("telephone", "Duty telephone (24 hours)", "0571-87099110")],
        ),
        (
            ENGLISH_PAGE,
            "Email: office@test.example (office), press@test.example",
            [
                ("email", "Email (office)", "office@test.example"),
                ("email", "Email", "press@test.example"),
            ],
        ),
        (
            ENGLISH_PAGE,
            "Website: www.test.example (Chinese) / http://en.test.example/ (English version)",
            [
                ("website", "Website (Chinese)", "http://www.test.example"),
                ("website", "Website (English version)", "http://en.test.example/"),
            ],
        ),
        (
            CHINESE_PAGE,
            "电话：0571-87051234 转 8001；0571-87051235（24小时）",
            [
                ("telephone", "电话（转8001）", "0571-87051234"),
                ("telephone", "电话（24小时）", "0571-87051235"),
            ],
        ),
        (
            CHINESE_PAGE,
            "网址：http://a.test.example/（中文版）http://en.test.example/（英文版）",
            [
                ("website", "网址（中文版）", "http://a.test.example/"),
                ("website", "网址（英文版）", "http://en.test.example/"),
            ],
        ),
        (
            CHINESE_PAGE,
            "地　　址：测试路1号（原青石路）　邮　　编：310000",
            [("address", "地址", "测试路1号（原青石路）"), ("postcode", "邮编", "310000")],
        ),
    ],
)
def test_an_annotation_goes_into_the_label_and_the_value_keeps_what_dials(template, line, expected):
    page = parse(template.format(date="Date: 2021-03-15", contacts=line))
    assert page.problems == []
    assert contacts(page) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Tel: 0571-1234567 / 0571-7654321",
        "Tel: 0571-1234567/0571-7654321",
        "Tel: 0571-1234567; 0571-7654321",
        "Tel: 0571-1234567 or 0571-7654321",
        "Tel: 0571-1234567、0571-7654321",
    ],
)
def test_several_numbers_on_one_line_are_several_contacts(line):
    page = parse(ENGLISH_PAGE.format(date="", contacts=line))
    assert page.problems == []
    assert contacts(page) == [
        ("telephone", "Tel", "0571-1234567"),
        ("telephone", "Tel", "0571-7654321"),
    ]


@pytest.mark.parametrize(
    ("line", "moment"),
    [
        ("15/03/2021", "2021-03-15 00:00"),
        ("Date: 15/03/2021", "2021-03-15 00:00"),
        ("Date: 5.3.2021 10:30", "2021-03-05 10:30"),
        ("2021-03-15 10:30", "2021-03-15 10:30"),
    ],
)
def test_dates_are_read_year_first_or_day_first(line, moment):
    page = parse(ENGLISH_PAGE.format(date=line, contacts=""))
    assert page.problems == []
    assert timezone.localtime(page.published_at).strftime("%Y-%m-%d %H:%M") == moment


def test_a_date_that_is_no_day_is_refused():
    page = parse(ENGLISH_PAGE.format(date="Date: 03/15/2021", contacts=""))
    assert [(problem.line, problem.message) for problem in page.problems] == [
        (2, "not a valid date")
    ]


HTML_PAGE = """<html><body>
<div class="logo">Lanshan Provincial Government</div>
<div class="menu">Home | About Lanshan | Government | Services</div>
<ol class="breadcrumb"><li>Home</li><li>Departments</li></ol>
<h2>Bureau of Testing of Lanshan Province</h2>
<p>Date: 15/03/2021</p>
<h3>Main responsibilities</h3>
<ol><li>Testing things.</li><li>Retesting them.</li></ol>
{contacts}
<p>Home | About Lanshan | Government | Services</p>
<p>Site designed by Example Digital Co., Ltd.</p>
</body></html>
"""


def test_an_html_page_is_named_by_its_title_and_what_is_above_it_is_left_out():
    page = parse(HTML_PAGE.format(contacts=""), "page.html")
    assert page.problems == []
    assert page.name == "Bureau of Testing of Lanshan Province"
    assert timezone.localtime(page.published_at).date().isoformat() == "2021-03-15"
    assert [text for text, _line in page.responsibilities] == ["Testing things.", "Retesting them."]


def test_a_paragraph_above_a_heading_keeps_the_heading_from_being_the_title():
    page = parse(
        "<html><body><p>Bureau of Testing of Lanshan Province</p><p>The bureau is in charge "
        "of testing things across the whole province, for everyone. Its duties are:</p>"
        "<h2>Testing and retesting</h2><ol><li>Testing things.</li></ol></body></html>",
        "page.html",
    )
    assert page.name == "Bureau of Testing of Lanshan Province"
    assert page.introduction.startswith("The bureau is in charge")


def test_contact_tables_and_definition_lists_give_one_contact_a_pair():
    table = (
        "<table><tr><td>Address</td><td>No. 1 Test Road</td><td>Post code</td><td>310003</td>"
        "</tr><tr><th>Telephone:</th><td>0571-1234567 ext.&nbsp;8001</td></tr></table>"
        "<dl><dt>Fax:</dt><dd>0571-7654321</dd><dt>Email</dt><dd>a@test.example</dd></dl>"
    )
    page = parse(HTML_PAGE.format(contacts=table), "page.html")
    assert page.problems == []
    assert contacts(page) == [
        ("address", "Address", "No. 1 Test Road"),
        ("postcode", "Post code", "310003"),
        ("telephone", "Telephone (ext. 8001)", "0571-1234567"),
        ("fax", "Fax", "0571-7654321"),
        ("email", "Email", "a@test.example"),
    ]


def test_a_numbered_chapter_heading_is_no_responsibility():
    page = parse(
        "岚山省测试厅\n\n一、职能配置\n\n岚山省测试厅是省政府组成部门。其主要职责是：\n"
        "①负责测试。\n②负责复测。\n\n二、内设机构\n\n办公室、测试处\n"
    )
    assert page.problems == []
    assert page.introduction == "岚山省测试厅是省政府组成部门。其主要职责是："
    assert [text for text, _line in page.responsibilities] == ["负责测试。", "负责复测。"]
    assert [institution.name for institution in page.institutions] == ["办公室", "测试处"]


def test_text_that_is_no_structure_page_is_refused_at_its_title(lanshan, tmp_path):
    article = tmp_path / "news.txt"
    article.write_text(
        "首页 > 新闻中心\n岚山省测试厅召开工作会议\n发布日期：2021-03-15\n\n"
        "3月15日，岚山省测试厅召开全省测试工作会议。\n会议要求，做好测试工作。\n",
        encoding="utf-8",
    )

    status, _out, err = run(article, slug="testing")

    assert status == 1
    assert "  line 2: 岚山省测试厅召开工作会议 — not a structure page" in err
    assert "line 5" not in err
    assert set(row_counts().values()) == {0}
    assert not Department.objects.exists()


def test_an_introduction_that_begins_like_a_vendor_credit_is_kept():
    page = parse(
        "Bureau of Testing of Lanshan Province\n\n"
        "Built by the province in 1950, the bureau tests things. Its duties are:\n\n"
        "(1) Testing things.\n"
    )
    assert page.problems == []
    assert page.introduction == (
        "Built by the province in 1950, the bureau tests things. Its duties are:"
    )
