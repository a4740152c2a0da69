"""The corpus of issue 20: structure pages as other departments' webmasters wrote them.

``tests/legacy_pages/corpus`` holds fictional exports of Lanshan Province's
departments, each with the facts it must import into (``<page>.expected.json``,
the shape of ``tests/legacy_pages``) and, when the page is imported with
warnings, the lines they name. ``corpus/malformed/`` holds pages that must be
refused, at the lines listed in its ``expected.json``. The corpus's README lists
the samples and the conventions their expected facts follow; ``STYLES`` below
says which samples hold each style the importer must read.
"""

import json
import re
from pathlib import Path

import pytest

from departments.models import Department
from tests.legacy_import import (
    assert_imported_into_its_facts,
    assert_named_exactly_its_warnings,
    row_counts,
    run,
)

CORPUS = Path(__file__).parent / "legacy_pages" / "corpus"
MALFORMED = CORPUS / "malformed"
PAGES = sorted(page for page in CORPUS.iterdir() if page.suffix in (".txt", ".html"))
MALFORMED_PAGES = json.loads((MALFORMED / "expected.json").read_text(encoding="utf-8"))
# How the command names a line of a page: "  line 12: <the line> — <what is wrong>".

# Each style of issue 20 -> {sample: text of the sample that shows it}. A new style is one
# more entry here, one more sample (or a line in one) and one more rule in the importer.
STYLES = {
    "Chinese enumeration with 、 closing with 等 and 分别承担相应工作": {
        "zh-civil-affairs.txt": "机关党委等，分别承担相应工作",
        "zh-government-offices.html": "等6个内设机构，分别承担相应工作",
    },
    "Chinese enumeration with ，": {
        "zh-culture-tourism.txt": "办公室，艺术处，公共服务处",
        "zh-local-finance.gb18030.html": "办公室，地方金融监管一处，",
    },
    "Chinese 直属单位N个：…；另管理…": {
        "zh-civil-affairs.txt": "直属单位3个：省社会福利院、",
        "zh-radio-television.txt": "直属单位2个：省广播电视监测中心、省广播电视技术中心；另管理",
        "zh-civil-air-defence.gb18030.html": "直属单位2个：省人防指挥信息保障中心、",
    },
    "Chinese 所属单位有…": {
        "zh-ethnic-affairs.txt": "所属单位有省民族研究所和",
        "zh-culture-tourism.txt": "所属单位有：省博物馆",
        "zh-government-offices.html": "所属单位有省级机关服务中心",
        "zh-local-finance.gb18030.html": "所属单位有省金融研究中心",
    },
    "Chinese tail after a list (，共4个 / 代管)": {
        "zh-civil-air-defence.gb18030.html": "宣传教育处，共4个。",
        "zh-culture-tourism.txt": "，代管省旅游协会",
    },
    "English including A, B, and the C": {
        "en-agriculture.txt": "the Crop Production Division, and the Animal",
        "en-natural-resources.html": "Mineral Resources Division, and the Marine Affairs Division",
        "en-health-commission.html": "including the Provincial People",
    },
    "English A, B and C, etc.": {
        "en-finance.txt": "Party Committee Office and Personnel, etc.",
        "en-emergency.txt": "Fire Prevention Division and Work Safety Division, etc.",
        "en-audit.html": "Audit Division and Enterprise Audit Division, etc.",
        "en-grain-reserves.html": "and the Grain School, etc.",
    },
    "English leading 'the' before listed names": {
        "en-agriculture.txt": "including the General Office, the Policy",
        "en-ecology.txt": "the General Office, the Water Environment Division",
        "en-housing.txt": "namely the Provincial Housing Provident Fund Center",
        "en-veterans.txt": "the Provincial Veterans Service Center, the Veterans Training School",
    },
    "English Oxford comma": {
        "en-veterans.txt": "the Veterans Training School, and the Martyrs",
        "en-health-commission.html": "the Health Supervision Institute, and the Medical College",
    },
    "English list without Oxford comma": {
        "en-agriculture.txt": "the Seed Management Station and the Animal Disease Control Center",
        "en-justice.html": "Lawyers&#39; Work Division and Party Committee Office",
    },
    "English 'as well as' instead of 'and'": {
        "en-finance.txt": "as well as the Provincial Accounting Society",
        "en-veterans.txt": "as well as the Office of the Party Committee",
        "en-natural-resources.html": "as well as the Land Reserve Center",
    },
    "routine work handled by another institution, written in other words": {
        "en-health-commission.html": "also handles the routine work of the Retired Staff Office",
        "zh-culture-tourism.txt": "的日常工作由人事处负责",
        "zh-local-finance.gb18030.html": "机关党委办公室的日常工作由办公室承担",
    },
    "website annotated (Chinese) / （中文）": {
        "en-agriculture.txt": "(Chinese)",
        "en-natural-resources.html": "(Chinese)",
        "en-justice.html": "(Chinese)",
        "en-health-commission.html": "(Chinese)",
        "zh-civil-affairs.txt": "（中文版）",
        "zh-government-offices.html": "（中文）",
    },
    "website annotated (English version) / （英文版）": {
        "en-agriculture.txt": "(English version)",
        "en-justice.html": "(English version)",
        "zh-civil-affairs.txt": "（英文版）",
        "zh-government-offices.html": "（英文版）",
    },
    "telephone with an extension (ext. 8001)": {
        "en-agriculture.txt": "0571-86757001 ext. 8001",
        "en-natural-resources.html": "0571-87180000&nbsp;ext.&nbsp;8001",
        "en-justice.html": "0571-87290001 ext. 8001",
    },
    "telephone with an extension (转 8001)": {
        "zh-civil-affairs.txt": "0571-87051234 转 8001",
        "zh-radio-television.txt": "0571-85300000转8001",
        "zh-healthcare-security.gb18030.html": "0571-87063333转8001",
    },
    "telephone annotated (24 hours) / （24小时）": {
        "en-ecology.txt": "12369 (24 hours)",
        "en-health-commission.html": "12320 (24 hours)",
        "zh-civil-air-defence.gb18030.html": "0571-87099110（24小时）",
    },
    "several numbers on one line separated by 、": {
        "zh-science-technology.txt": "0571-87054001、0571-87054002",
        "zh-healthcare-security.gb18030.html": "0571-87061111、0571-87062222",
    },
    "several numbers on one line separated by /": {
        "en-market-regulation.txt": "0571-89760001 / 0571-89760002",
        "en-human-resources.html": "0571-12333 / 0571-87150000",
        "zh-economy-it.gb18030.html": "0571-87058001/0571-87058002",
        "zh-government-offices.html": "0571-87052001 / 0571-87052002",
    },
    "several numbers on one line separated by ; or ；": {
        "en-ecology.txt": "0571-87080001; 0571-87080002",
        "zh-commerce.html": "0571-87701234；0571-87705678",
    },
    "several numbers on one line separated by or / 或": {
        "en-finance.txt": "0571-87050001 or 0571-87050002",
        "en-veterans.txt": "0571-87120011 or 0571-87120012",
        "en-audit.html": "0571-87320000 or 0571-87320001",
        "zh-culture-tourism.txt": "0571-12301 或 0571-85170000",
    },
    "two values with their own annotations on one line": {
        "zh-civil-affairs.txt": "（中文版）、http://en.mz.lanshan.gov.example/（英文版）",
        "zh-government-offices.html": "（中文） http://en.jgj.lanshan.gov.example/（英文版）",
    },
    "numbering (1)": {
        "en-agriculture.txt": "(1) Drafting",
        "en-market-regulation.txt": "(1) Supervising",
        "en-veterans.txt": "(1) Drafting",
        "en-human-resources.html": "(1) Drafting",
        "en-health-commission.html": "(1)&nbsp;Drafting",
    },
    "numbering (1) run together in one paragraph": {
        "en-justice.html": "are: (1) Drafting",
    },
    "numbering 1.": {
        "en-finance.txt": "1. Drafting",
        "en-housing.txt": "1. Drafting",
        "en-natural-resources.html": "1. Drafting",
        "en-grain-reserves.html": "1. Drafting",
        "zh-education.txt": "1.贯彻执行",
    },
    "numbering 1)": {"en-ecology.txt": "1) Drafting"},
    "numbering 1、": {
        "en-emergency.txt": "1、Organising",
        "zh-economy-it.gb18030.html": "1、拟订",
        "zh-letters-visits.html": "1、贯彻执行",
    },
    "numbering （一）": {
        "zh-civil-affairs.txt": "（一）贯彻执行",
        "zh-ethnic-affairs.txt": "（一）拟订",
        "zh-commerce.html": "（一）拟订",
        "zh-healthcare-security.gb18030.html": "（一）拟订",
        "zh-civil-air-defence.gb18030.html": "（一）贯彻执行",
        "zh-local-finance.gb18030.html": "<li>（一）贯彻落实",
    },
    "numbering （1）": {"zh-radio-television.txt": "（1）贯彻执行"},
    "numbering 一、": {
        "zh-culture-tourism.txt": "一、贯彻落实",
        "zh-government-offices.html": "一、拟订",
    },
    "numbering 第一条 (provisions)": {"zh-ethnic-affairs.txt": "第一条　根据"},
    "numbering Article 1 (provisions)": {"en-housing.txt": "Article 1 These provisions"},
    "numbering ①": {"zh-science-technology.txt": "①拟订"},
    "numbered section headings (一、主要职责 / 二、内设机构)": {
        "zh-science-technology.txt": "二、内设机构",
        "zh-civil-air-defence.gb18030.html": "<p>一、主要职责</p>",
    },
    "heading with a half-width colon": {
        "en-agriculture.txt": "Main responsibilities:",
        "en-ecology.txt": "Functions:",
        "en-human-resources.html": "<b>Main Responsibilities:</b>",
        "zh-education.txt": "主要职责:",
    },
    "heading with a full-width colon": {
        "en-emergency.txt": "Main Responsibilities：",
        "zh-civil-affairs.txt": "主要职责：",
        "zh-economy-it.gb18030.html": "<strong>主要职责：</strong>",
    },
    "heading without a colon": {
        "en-finance.txt": "FUNCTIONS",
        "en-market-regulation.txt": "Main responsibilities\n",
        "en-natural-resources.html": "<h2>Functions</h2>",
        "en-audit.html": "<strong>Main Functions</strong>",
        "zh-culture-tourism.txt": "职能职责\n",
        "zh-government-offices.html": "<b>主要职责</b>",
    },
    "heading 职能配置": {"zh-science-technology.txt": "一、职能配置"},
    "count as an English word": {
        "en-agriculture.txt": "four internal institutions",
        "en-justice.html": "six internal institutions",
        "en-audit.html": "one directly affiliated unit",
        "en-health-commission.html": "four directly affiliated units",
    },
    "count as digits": {
        "en-finance.txt": "has 6 internal institutions",
        "en-veterans.txt": "of 4 internal institutions",
        "en-grain-reserves.html": "has 4 internal institutions",
        "en-housing.txt": "has 3 directly affiliated units",
    },
    "count as a Chinese numeral": {
        "zh-science-technology.txt": "设四个内设机构",
        "zh-radio-television.txt": "四个处室",
        "zh-healthcare-security.gb18030.html": "有两个直属单位",
    },
    "count as N个": {
        "zh-science-technology.txt": "直属单位有4个",
        "zh-government-offices.html": "等6个内设机构",
        "zh-local-finance.gb18030.html": "内设机构5个：",
        "zh-commerce.html": "有3个直属单位",
    },
    "count that disagrees with the list (imported with a warning)": {
        "en-ecology.txt": "five internal institutions",
        "en-emergency.txt": "three directly affiliated units",
        "zh-education.txt": "等6个内设机构",
    },
    "date 2021-03-15 10:30": {
        "en-agriculture.txt": "\n2021-03-15 10:30",
        "zh-government-offices.html": ">2021-03-15 10:30<",
    },
    "date 2021年3月15日": {
        "zh-civil-affairs.txt": "\n2021年3月15日",
        "zh-education.txt": "2021年3月15日",
        "zh-economy-it.gb18030.html": "日期：2021年3月15日",
    },
    "date 15/03/2021": {
        "en-ecology.txt": "\n15/03/2021",
        "en-audit.html": "Date: 15/03/2021",
    },
    "date Date: 2021-03-15": {
        "en-housing.txt": "Date: 2021-03-15\n",
        "en-human-resources.html": "Date: 2021-03-15<",
    },
    "HTML table of contacts (label and value cells)": {
        "en-natural-resources.html": '<td class="label">Telephone:</td>',
        "en-health-commission.html": '<th scope="row">Telephone</th>',
        "zh-commerce.html": "<tr><td>电话</td>",
        "zh-healthcare-security.gb18030.html": "<tr><td>咨询电话：</td>",
    },
    "HTML table of contacts, two pairs a row, labels padded with spaces": {
        "en-human-resources.html": "<td>Post code</td><td>310003</td>",
        "zh-government-offices.html": "<td>邮　　编：</td>",
    },
    "HTML definition list of contacts": {"en-audit.html": "<dt>Telephone:</dt>"},
    "HTML <br>-separated lists": {
        "en-human-resources.html": "General Office<br>",
        "en-grain-reserves.html": "<BR>",
        "zh-economy-it.gb18030.html": "办公室<br>运行监测协调处",
        "zh-letters-visits.html": "直属单位：<br>",
        "zh-government-offices.html": "<br/>二、",
    },
    "HTML nested paragraphs and spans": {
        "en-natural-resources.html": "<div><p><span>1.",
        "zh-healthcare-security.gb18030.html": '<div><span style="font-size:16px">（一）',
    },
    "HTML paragraphs left unclosed": {"zh-letters-visits.html": "<p>2、受理"},
    "HTML &nbsp; and entities": {
        "en-natural-resources.html": "forests&nbsp;&amp;&nbsp;the sea",
        "en-health-commission.html": "province&#x2019;s",
        "en-grain-reserves.html": "&nbsp;&nbsp;&nbsp;&nbsp;1.",
        "zh-commerce.html": "&ldquo;菜篮子&rdquo;",
        "zh-letters-visits.html": "&#12289;",
    },
    "a sentence ending with a colon, its list one name a line below": {
        "en-tourism-lines.txt": "internal institutions:\nGeneral Office\n",
        "zh-tourism-lines.txt": "本局直属单位如下：\n省旅游信息中心\n",
    },
    "boilerplate: breadcrumbs": {
        "en-agriculture.txt": "Home > Government Information Disclosure",
        "en-ecology.txt": "Lanshan Provincial Government > Departments",
        "en-natural-resources.html": "&raquo;",
        "en-health-commission.html": '<ol class="breadcrumb">',
        "zh-commerce.html": "您现在的位置：",
        "zh-government-offices.html": "首页 » 政府机构",
    },
    "boilerplate: print / close links": {
        "en-agriculture.txt": "[Print] [Close]",
        "en-justice.html": "Print this page</a> <a",
        "en-grain-reserves.html": "[<A",
        "zh-commerce.html": "【打印本页】",
        "zh-healthcare-security.gb18030.html": "打印</a>&nbsp;|&nbsp;<a",
        "zh-letters-visits.html": "<p>【打印】【关闭】",
    },
    "boilerplate: site name or menu above the department's name": {
        "en-natural-resources.html": '<div id="top">',
        "en-audit.html": "Home | About Lanshan | Government | Services",
        "zh-commerce.html": '<div class="top">',
        "zh-healthcare-security.gb18030.html": '<div class="logo">',
    },
    "boilerplate: vendor footers": {
        "en-natural-resources.html": "Site designed by",
        "en-human-resources.html": "Technical support:",
        "zh-economy-it.gb18030.html": "技术支持：",
        "zh-healthcare-security.gb18030.html": "版权所有",
        "zh-civil-air-defence.gb18030.html": "All Rights Reserved",
    },
    "unplaceable extra line that holds no fact (imported with a warning)": {
        "en-market-regulation.txt": "Last reviewed by the web team",
        "zh-economy-it.gb18030.html": "欢迎访问本网站！",
    },
    "lines wrapped by the export and indented": {"zh-radio-television.txt": "地方\n性法规草案"},
    "Windows line ends": {"en-finance.txt": "\r\n"},
}
# Styles the corpus must show in at least this many samples.
AT_LEAST = {
    "count that disagrees with the list (imported with a warning)": 2,
    "unplaceable extra line that holds no fact (imported with a warning)": 2,
}


def expected_of(page):
    return json.loads((CORPUS / f"{page.name.split('.')[0]}.expected.json").read_text("utf-8"))


def options_for(expected):
    """A Chinese page of a new department names its slug (the importer makes up no pinyin)."""
    return {} if expected["language"] == "en" else {"slug": expected["slug"]}


def page_text(page):
    """The sample as its webmaster wrote it: GB18030 where it is not UTF-8, tags and all."""
    data = page.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


# Each sample gives its facts, its warnings and nothing more.


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_corpus_page_imports_into_its_expected_facts(lanshan, page):
    expected = expected_of(page)
    assert_imported_into_its_facts(run(page, **options_for(expected)), expected)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_corpus_page_reports_exactly_its_expected_warnings(lanshan, page):
    """A page is imported with a warning for each line it names; a page without a "warnings"
    key names no line at all."""
    expected = expected_of(page)

    result = run(page, **options_for(expected))

    assert_named_exactly_its_warnings(result, expected)
    assert Department.objects.drafts().count() == 1


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_reimporting_a_corpus_page_changes_nothing(lanshan, page):
    options = options_for(expected_of(page))
    status, _out, err = run(page, **options)
    assert status == 0, err
    draft = Department.objects.drafts().get()
    changed_at = draft.content_changed_at
    counts = row_counts()

    status, out, err = run(page, **options)

    assert status == 0, err
    assert "0 created, 0 updated, 1 unchanged, 0 refused." in out
    assert row_counts() == counts
    draft.refresh_from_db()
    assert draft.content_changed_at == changed_at


# Truly broken pages are refused whole.


@pytest.mark.parametrize("name", sorted(MALFORMED_PAGES))
def test_malformed_corpus_page_is_refused_with_its_lines_and_nothing_written(lanshan, name):
    expected = MALFORMED_PAGES[name]

    status, out, err = run(MALFORMED / name)

    assert status == 1, out
    assert f"{name}: refused, nothing was imported:" in err
    for line in expected["lines"]:
        assert f"  line {line}: " in err, err
    assert expected["message"] in err, err
    assert set(row_counts().values()) == {0}


# The corpus itself: complete, consistent and covering every style.


def test_every_sample_has_its_expected_facts_and_every_expectation_its_sample():
    assert len(PAGES) >= 24
    for page in PAGES:
        assert expected_of(page)["page"] == page.name
    stems = {page.name.split(".")[0] for page in PAGES}
    assert len(stems) == len(PAGES), "two samples share one expected.json"
    expectations = {path.name.removesuffix(".expected.json") for path in CORPUS.glob("*.json")}
    assert expectations == stems
    malformed = sorted(page.name for page in MALFORMED.iterdir() if page.suffix != ".json")
    assert malformed == sorted(MALFORMED_PAGES)
    assert len(malformed) >= 6


def test_corpus_mixes_languages_formats_and_encodings():
    languages = [expected_of(page)["language"] for page in PAGES]
    formats = [page.suffix for page in PAGES]
    assert abs(languages.count("en") - languages.count("zh-hans")) <= 2
    assert abs(formats.count(".txt") - formats.count(".html")) <= 2
    gb18030 = [page for page in PAGES if ".gb18030." in page.name]
    assert len(gb18030) >= 3
    for page in gb18030:
        data = page.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert re.search(rb"charset=[\"']?(?:gb2312|gbk|gb18030)", data, re.I), page.name


@pytest.mark.parametrize("style", sorted(STYLES))
def test_corpus_holds_every_style_it_claims(style):
    samples = STYLES[style]
    assert len(samples) >= AT_LEAST.get(style, 1)
    for name, shown in samples.items():
        assert (CORPUS / name).exists(), name
        assert shown in page_text(CORPUS / name), f"{name} does not show {shown!r}"


def test_warned_styles_are_the_samples_expected_to_warn():
    warned = {page.name for page in PAGES if expected_of(page).get("warnings")}
    claimed = {name for style in AT_LEAST for name in STYLES[style]}
    assert warned == claimed


def test_every_sample_covers_a_style_and_is_described_in_the_readme():
    readme = (CORPUS / "README.md").read_text("utf-8")
    covered = {name for samples in STYLES.values() for name in samples}
    for page in PAGES:
        assert page.name in covered, page.name
        assert f"`{page.name}`" in readme, page.name
    for name in MALFORMED_PAGES:
        assert f"`{name}`" in readme, name
