import re

import pytest
from django.utils import translation

from departments.models import AffiliatedUnit, Responsibility
from departments.services import withdraw
from tests.conftest import assert_in_order, page_text
from tests.seed_page import read_seed_page

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"


@pytest.fixture
def seed_page():
    return read_seed_page()


def test_seed_page_is_read_completely(seed_page):
    """Guards the comparison below against a parser that silently finds nothing."""
    assert len(seed_page.responsibilities) == 16
    assert len(seed_page.institutions) == 22
    assert len(seed_page.handlers) == 3
    assert len(seed_page.direct_units) == 4
    assert len(seed_page.managed_units) == 1
    assert len(seed_page.contacts) == 4


def test_english_page_shows_every_fact_of_the_seed_in_order(client, seed, seed_page):
    response = client.get(EN_URL)
    assert response.status_code == 200
    text = page_text(response)
    facts = [seed_page.name, seed_page.date, seed_page.introduction]
    for number, responsibility in enumerate(seed_page.responsibilities, 1):
        facts += [f"({number})", responsibility]
    # The seed lists only some institutions and handlers ("…, etc."), and says so.
    facts += ["consists of institutions including the following"]
    facts += seed_page.institutions
    facts += [f"The routine work of the {seed_page.handled_institution} is handled by the"]
    facts += seed_page.handlers[:-1] + [f"{seed_page.handlers[-1]}, etc."]
    facts += ["has four directly affiliated units"]
    facts += [f"the {unit}" for unit in seed_page.direct_units]
    facts += [f"and manages the {unit}" for unit in seed_page.managed_units]
    for label, value in seed_page.contacts:
        facts += [f"{label}:", value]
    assert_in_order(text, facts)


def test_department_name_is_the_only_h1(client, seed):
    content = client.get(EN_URL).content.decode()
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", content, re.S) == [
        "Department of Public Security of Zhejiang Province"
    ]


def test_date_is_shown_in_beijing_time(client, seed):
    content = client.get(EN_URL).content.decode()
    assert '<time datetime="2020-09-01T09:09:00+08:00">2020-09-01 09:09</time>' in content


def test_chinese_page_has_sixteen_numbered_responsibilities(client, seed):
    response = client.get(ZH_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'<li id="responsibility-\d+">', content)) == 16
    assert_in_order(page_text(response), ["（一）", "（二）", "（十）", "（十六）"])


def test_chinese_page_shows_chinese_names_and_contacts(client, seed):
    text = page_text(client.get(ZH_URL))
    assert_in_order(
        text,
        [
            "浙江省公安厅",
            "发布日期：",
            "机构职能",
            "政治部",
            "办公室",
            "政治部的日常工作由",
            "四个直属单位",
            "地址：",
            "0571-87286688",
            "投诉电话：",
            "0571-87286151",
            "http://gat.zj.gov.cn/",
        ],
    )
    assert "Department of Public Security" not in text
    assert "Political Department" not in text


def test_contacts_link_telephones_and_websites(client, seed):
    content = client.get(EN_URL).content.decode()
    assert '<a href="tel:057187286688">0571-87286688</a>' in content
    assert '<a href="tel:057187286151">0571-87286151</a>' in content
    assert '<a href="http://gat.zj.gov.cn/">http://gat.zj.gov.cn/</a>' in content


def test_email_contact_renders_as_mailto_link(client, seed, republish):
    seed.contacts.create(kind="email", value_en="gat@zj.gov.cn", value_zh_hans="gat@zj.gov.cn")
    republish(seed)
    content = client.get(EN_URL).content.decode()
    assert '<a href="mailto:gat@zj.gov.cn">gat@zj.gov.cn</a>' in content


def test_responsibility_numbers_follow_the_order(client, seed, republish):
    last = seed.responsibilities.last()
    last.sort_order = 0
    last.save()
    republish(seed)
    text = page_text(client.get(EN_URL))
    assert "(1) Completing other tasks assigned by the Provincial Party Committee" in text
    assert "(2) Drafting local laws and regulations" in text


def test_count_of_units_is_computed_and_written_in_words(client, seed, republish):
    seed.affiliated_units.create(
        name_en="Police College",
        name_zh_hans="警察学院",
        sort_order=4,
        relation=AffiliatedUnit.Relation.DIRECTLY_AFFILIATED,
    )
    republish(seed)
    assert "has five directly affiliated units" in page_text(client.get(EN_URL))
    assert "机场公安局、警察学院等五个直属单位" in page_text(client.get(ZH_URL))


def test_one_unit_reads_in_the_singular(client, make_department, republish):
    department = make_department(publish_now=False)
    department.affiliated_units.create(name_en="Training Centre", name_zh_hans="培训中心")
    republish(department)
    text = page_text(client.get(department.get_absolute_url()))
    assert "has one directly affiliated unit, the Training Centre." in text


def test_two_units_are_counted_with_liang_in_chinese(client, make_department, republish):
    department = make_department(publish_now=False)
    for order, (english, chinese) in enumerate(
        [("Training Centre", "培训中心"), ("Information Centre", "信息中心")]
    ):
        department.affiliated_units.create(name_en=english, name_zh_hans=chinese, sort_order=order)
    republish(department)
    english_text = page_text(client.get(department.get_absolute_url()))
    with translation.override("zh-hans"):
        chinese_text = page_text(client.get(department.get_absolute_url()))
    assert "has two directly affiliated units" in english_text
    assert "设培训中心、信息中心等两个直属单位。" in chinese_text
    assert "二个" not in chinese_text


def test_page_without_children_omits_their_sections(client, make_department):
    department = make_department()
    text = page_text(client.get(department.get_absolute_url()))
    assert "Internal institutions" not in text
    assert "Affiliated units" not in text


def test_user_text_is_escaped(client, make_department, republish):
    department = make_department(name_en="<script>alert(1)</script>", publish_now=False)
    department.affiliated_units.create(name_en="<b>Unit</b>")
    republish(department)
    content = client.get(department.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "<b>Unit</b>" not in content
    assert "&lt;b&gt;Unit&lt;/b&gt;" in content


@pytest.mark.parametrize(
    "url",
    [
        "/en/government/structure/no-such-department/",
        "/zh-hans/government/structure/no-such-department/",
    ],
)
def test_unknown_slug_answers_404_in_the_visitors_language(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    expected = "找不到页面" if url.startswith("/zh-hans/") else "Page not found"
    assert expected in response.content.decode()


def test_withdrawn_department_answers_404(client, seed):
    withdraw(seed)
    assert client.get(EN_URL).status_code == 404
    assert client.get(ZH_URL).status_code == 404


@pytest.mark.parametrize("count", [1, 60])
def test_structure_page_queries_do_not_grow_with_responsibilities(
    uncached, client, make_department, django_assert_max_num_queries, republish, count
):
    department = make_department(publish_now=False)
    Responsibility.objects.bulk_create(
        Responsibility(department=department, text_en=f"Duty {n}", code=f"duty-{n}", sort_order=n)
        for n in range(count)
    )
    handled = department.institutions.create(name_en="Political Department", code="political")
    handled.routine_work_handled_by.add(
        department.institutions.create(name_en="Publicity", code="publicity")
    )
    department.contacts.create(kind="telephone", value_en="0571-12345678")
    department.leaders.create(name_en="Li Ming", post_en="Director")
    republish(department)
    with django_assert_max_num_queries(8):
        response = client.get(department.get_absolute_url())
    assert page_text(response).count("Duty ") == count


def test_print_and_close_controls_and_print_stylesheet(client, seed):
    content = client.get(EN_URL).content.decode()
    assert 'data-action="print"' in content
    assert 'data-action="close"' in content
    assert 'media="print"' in content
    assert f"http://testserver{EN_URL}" in content


def test_breadcrumb_links_home_government_and_structure(client, seed):
    content = client.get(EN_URL).content.decode()
    breadcrumb = re.search(r'<nav class="breadcrumb".*?</nav>', content, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', breadcrumb)
    assert links == [
        ("/en/", "Home"),
        ("/en/government/", "Government"),
        ("/en/government/structure/", "Government Structure"),
    ]


def test_chinese_note_never_borrows_an_english_full_name(client, make_department, republish):
    department = make_department(publish_now=False)
    handled = department.institutions.create(name_en="General Office", name_zh_hans="办公室")
    handler = department.institutions.create(
        name_en="Archives", name_zh_hans="档案室", full_name_en="Archives Section"
    )
    handled.routine_work_handled_by.add(handler)
    republish(department)
    text = page_text(client.get(f"/zh-hans/government/structure/{department.slug}/"))
    assert "办公室的日常工作由档案室承担。" in text
    assert "Archives Section" not in text


def test_a_department_cannot_take_the_feeds_address(government):
    from django.core.exceptions import ValidationError

    from departments.models import Department

    department = Department(government=government, slug="feed", name_en="F", name_zh_hans="F")
    with pytest.raises(ValidationError) as error:
        department.full_clean()
    assert error.value.error_dict["slug"][0].code == "reserved_slug"
