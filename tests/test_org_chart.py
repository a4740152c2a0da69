"""The organization chart on the structure page: every institution and unit, in order, with the
"handled by" relations in words, as a captioned figure of nested lists."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from departments import lookup
from departments.models import AffiliatedUnit, Institution
from departments.org_chart import organization_chart
from departments.structure_page import StructurePage
from tests.conftest import assert_in_order, page_text
from tests.seed_page import read_seed_page

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"
CHART = re.compile(r'<section class="org-chart-section".*?</section>', re.S)

ZH_INSTITUTIONS = [
    *("政治部", "办公室", "情报指挥中心", "经济犯罪侦查总队", "治安管理总队", "巡特警总队"),
    *("刑事侦查总队", "出入境管理局", "网络安全保卫总队", "监所管理总队", "交通管理局"),
    *("禁毒总队", "警务督察总队", "法制总队", "信访处", "科技信息化总队", "国际合作处"),
    *("警务保障部", "审计处", "人事训练处", "宣传处", "离退休干部处"),
]
ZH_DIRECT_UNITS = ["省监狱", "车辆管理所", "高速公路交通警察总队", "机场公安局"]
ZH_MANAGED_UNITS = ["省公安航空警察队"]


def chart_html(response):
    assert response.status_code == 200
    sections = CHART.findall(response.content.decode())
    assert len(sections) == 1, f"expected one organization chart, found {len(sections)}"
    return sections[0]


class Html:
    """Just enough of a response for page_text."""

    def __init__(self, text):
        self.content = text.encode()


def chart_text(response):
    return page_text(Html(chart_html(response)))


def box_names(html):
    return re.findall(r'<span class="org-chart__name">(.*?)</span>', html)


def test_english_chart_shows_every_institution_and_unit_in_order(client, seed):
    seed_page = read_seed_page()
    html = chart_html(client.get(EN_URL))
    assert box_names(html) == (
        seed_page.institutions + seed_page.direct_units + seed_page.managed_units
    )
    assert_in_order(
        chart_text(client.get(EN_URL)),
        [
            "Organization chart",
            "Organization chart of Department of Public Security of Zhejiang Province",
            "Department of Public Security of Zhejiang Province",
            "Internal institutions",
            "Political Department",
            # The seed names only some of the handlers, and only some institutions.
            "Routine work handled by the Personnel and Training Department, Publicity "
            "Department, Department of Retirees, etc.",
            "General Office",
            "Personnel Training",
            "Handles the routine work of the Political Department",
            "Publicity",
            "Handles the routine work of the Political Department",
            "Retirement",
            "Handles the routine work of the Political Department",
            "Others not listed",
            "Directly affiliated units",
            *seed_page.direct_units,
            "Managed units",
            *seed_page.managed_units,
        ],
    )


def test_chinese_chart_shows_every_institution_and_unit_in_order(client, seed):
    html = chart_html(client.get(ZH_URL))
    assert box_names(html) == ZH_INSTITUTIONS + ZH_DIRECT_UNITS + ZH_MANAGED_UNITS
    assert_in_order(
        chart_text(client.get(ZH_URL)),
        [
            "组织结构图",
            "浙江省公安厅组织结构图",
            "浙江省公安厅",
            "内设机构",
            "政治部",
            "日常工作由人事训练处、宣传处、离退休干部处等承担",
            "办公室",
            "人事训练处",
            "承担政治部的日常工作",
            "宣传处",
            "承担政治部的日常工作",
            "离退休干部处",
            "承担政治部的日常工作",
            "其他未一一列出",
            "直属单位",
            *ZH_DIRECT_UNITS,
            "管理单位",
            *ZH_MANAGED_UNITS,
        ],
    )


@pytest.mark.parametrize("url", [EN_URL, ZH_URL])
def test_chart_is_a_captioned_figure_of_nested_lists_in_its_own_section(client, seed, url):
    html = chart_html(client.get(url))
    assert re.match(
        r'<section class="org-chart-section" aria-labelledby="org-chart-heading">\s*'
        r'<h2 id="org-chart-heading">[^<]+</h2>\s*<figure class="org-chart">\s*'
        r'<figcaption class="org-chart__caption">[^<]+</figcaption>\s*<ul class="org-chart__tree">',
        html,
    ), html[:400]
    # The department holds three branches, each a list of boxes.
    assert html.count("<ul") == 5
    assert html.count('<li class="org-chart__branch">') == 3
    # Lists hold list items only.
    assert not re.search(r"<ul[^>]*>\s*<(?!li\b)", html)


@pytest.mark.parametrize("url", [EN_URL, ZH_URL])
def test_chart_comes_after_the_affiliated_units_and_before_the_contacts(client, seed, url):
    content = client.get(url).content.decode()
    units = content.index('id="units-heading"')
    chart = content.index('id="org-chart-heading"')
    contacts = content.index('id="contacts-heading"')
    assert units < chart < contacts


def test_page_ids_stay_unique_with_the_chart(client, seed):
    content = client.get(EN_URL).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', content))
    assert [name for name, count in ids.items() if count > 1] == []


def test_chart_escapes_names(client, make_department, republish):
    draft = make_department("transport", publish_now=False, name_en="Roads <b>& Rails</b>")
    Institution.objects.create(department=draft, name_en="<i>Office</i>")
    AffiliatedUnit.objects.create(department=draft, name_en="Depot & <Co>", relation="managed")
    republish(draft)
    html = chart_html(client.get("/en/government/structure/transport/"))
    assert "<b>" not in html and "<i>" not in html and "<Co>" not in html
    assert box_names(html) == ["&lt;i&gt;Office&lt;/i&gt;", "Depot &amp; &lt;Co&gt;"]
    assert "Roads &lt;b&gt;&amp; Rails&lt;/b&gt;" in html
    assert "Directly affiliated units" not in html


def test_department_without_institutions_or_units_has_no_chart(client, make_department):
    make_department("transport")
    content = client.get("/en/government/structure/transport/").content.decode()
    assert "org-chart" not in content


def test_institution_that_handles_and_is_handled_shows_both(client, make_department, republish):
    draft = make_department("transport", publish_now=False)
    office, secretariat, archive = (
        Institution.objects.create(
            department=draft,
            name_en=name,
            name_zh_hans=zh,
            full_name_en=full,
            full_name_zh_hans=full_zh,
            sort_order=order,
        )
        for order, (name, zh, full, full_zh) in enumerate(
            [
                ("Office", "办公室", "General Office", "办公室"),
                ("Secretariat", "秘书处", "", ""),
                ("Archive", "档案室", "", ""),
            ]
        )
    )
    office.routine_work_handled_by.set([secretariat])
    secretariat.routine_work_handled_by.set([archive])
    republish(draft)
    with translation.override("en"):
        publication = lookup.published("transport")
        page = StructurePage(publication.document, publication.government_names)
        boxes = organization_chart(page).institutions
    assert [(box.name, box.relations) for box in boxes] == [
        ("Office", ["Routine work handled by the Secretariat"]),
        (
            "Secretariat",
            [
                "Routine work handled by the Archive",
                "Handles the routine work of the General Office",
            ],
        ),
        ("Archive", ["Handles the routine work of the Secretariat"]),
    ]
    text = chart_text(client.get("/zh-hans/government/structure/transport/"))
    assert_in_order(
        text,
        [
            "办公室",
            "日常工作由秘书处承担",
            "秘书处",
            "日常工作由档案室承担",
            "承担办公室的日常工作",
        ],
    )


def test_reading_the_page_and_drawing_its_chart_costs_no_query(seed):
    publication = lookup.published("public-security")
    with CaptureQueriesContext(connection) as queries:
        chart = organization_chart(
            StructurePage(publication.document, publication.government_names)
        )
        names = [box.name for box in chart.institutions]
        names += [unit.name for unit in chart.direct_units + chart.managed_units]
    assert len(names) == 27
    assert len(queries) == 0, [query["sql"] for query in queries]
