"""The legacy-CMS importer: exported structure pages in, department drafts out.

``tests/legacy_pages`` holds fictional exports, each with the facts it must
import into (``<page>.expected.json``), and ``malformed/`` pages that must be
refused at the lines listed in ``malformed/expected.json``.
"""

import json
import re
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import include, path
from django.utils import timezone
from reversion.models import Version

from departments import legacy as importer
from departments.admin_import import import_urls
from departments.models import (
    Department,
    Government,
    PublicationState,
)
from departments.seed import SEED_PAGE
from departments.services import publish
from portal.urls import urlpatterns as portal_urlpatterns
from tests.legacy_import import (
    assert_imported_into_its_facts,
    assert_named_exactly_its_warnings,
    facts,
    row_counts,
)
from tests.legacy_import import run as run_command

PAGES = Path(__file__).parent / "legacy_pages"
MALFORMED = PAGES / "malformed"
SAMPLE_PAGES = sorted(page for page in PAGES.iterdir() if page.suffix in (".txt", ".html"))
MALFORMED_PAGES = json.loads((MALFORMED / "expected.json").read_text(encoding="utf-8"))
ENGLISH_WATER = PAGES / "en-water-resources.txt"
CHINESE_WATER = PAGES / "zh-water-resources.txt"
GOOD_PAGE = PAGES / "en-archives-no-intro.txt"
ADMIN_PREFIX = f"/{settings.ADMIN_URL}departments/department/"
IMPORT_URL = ADMIN_PREFIX + "import/"

# The admin tests run against this URLconf: the site's own, with the import's
# patterns mounted where DepartmentAdmin.get_urls() mounts them once wired.
urlpatterns = [
    path(
        f"{settings.ADMIN_URL}departments/department/",
        include(import_urls(admin.site.get_model_admin(Department))),
    ),
    *portal_urlpatterns,
]


def expected_facts(page):
    return json.loads((PAGES / f"{page.name.split('.')[0]}.expected.json").read_text("utf-8"))


def run(*paths, **options):
    """import_legacy's (exit status, stdout, stderr), with each page's changes (-v 2): these
    tests read them."""
    return run_command(*paths, verbosity=2, **options)


def write_page(tmp_path, name, text, encoding="utf-8"):
    page = tmp_path / name
    page.write_bytes(text.encode(encoding))
    return page


# The seed page and its fixture.


def test_seed_page_imports_into_exactly_the_facts_of_the_fixture(seed):
    fixture_facts = facts(seed, "en")
    Department.objects.all().delete()
    assert Government.objects.count() == 1

    status, out, err = run(SEED_PAGE)

    assert status == 0, err
    draft = Department.objects.drafts().get()
    assert facts(draft, "en") == fixture_facts
    assert draft.slug == "department-of-public-security-of-zhejiang-province"
    assert draft.government.slug == "zhejiang"
    assert draft.kind == "component"
    # Only the English columns: the Chinese ones wait for the Chinese page.
    assert not draft.name_zh_hans
    assert not draft.responsibilities.exclude(text_zh_hans=None).exists()
    assert "created Department of Public Security of Zhejiang Province" in out
    assert "a publisher must publish" in out


def test_seed_page_against_the_loaded_fixture_changes_nothing(seed):
    before = row_counts()
    status, out, _err = run(SEED_PAGE, dry_run=True)
    assert status == 0
    assert "Zhejiang Province (public-security, English): no changes." in out
    assert row_counts() == before

    changed_at = seed.content_changed_at
    status, out, _err = run(SEED_PAGE)
    assert status == 0 and "no changes" in out
    assert row_counts() == before
    seed.refresh_from_db()
    assert seed.content_changed_at == changed_at
    state = Department.objects.with_publication_state().get(pk=seed.pk).publication_state
    assert state == PublicationState.PUBLISHED


# Sample exports of every shape.


@pytest.mark.parametrize("page", SAMPLE_PAGES, ids=lambda page: page.name)
def test_each_sample_page_imports_into_its_expected_facts(lanshan, page):
    expected = expected_facts(page)
    options = {} if expected["language"] == "en" else {"slug": expected["slug"]}
    assert_imported_into_its_facts(run(page, **options), expected)


@pytest.mark.parametrize("page", SAMPLE_PAGES, ids=lambda page: page.name)
def test_each_sample_page_names_exactly_its_expected_warnings(lanshan, page):
    """A count that disagrees with its list, or an extra line that holds no fact, is a
    warning: the page is imported, and the command names the line."""
    expected = expected_facts(page)
    options = {} if expected["language"] == "en" else {"slug": expected["slug"]}
    assert_named_exactly_its_warnings(run(page, **options), expected)


def test_sample_pages_cover_the_variations(lanshan):
    """The samples really hold what they are meant to test."""
    texts = {page.name: page.read_bytes() for page in SAMPLE_PAGES}
    text = "".join(importer.decode(data) for data in texts.values())
    for shape in ("\n1. ", "\n1、", "（一）", "一、", "Article 1", "Post code:", "Email address:"):
        assert shape in text, shape
    for label in (
        "Fax:",
        "传真：",
        "Office hours:",
        "办公时间：",
        "发布日期：",
        "Public Telephone:",
    ):
        assert label in text, label
    forestry = texts["zh-forestry.gb18030.html"]
    with pytest.raises(UnicodeDecodeError):
        forestry.decode("utf-8")
    assert "岚山省林业局" in forestry.decode("gb18030")
    assert texts["en-archives-no-intro.txt"].startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in texts["en-archives-no-intro.txt"]


def test_english_and_chinese_pages_of_one_department_fill_both_languages(lanshan):
    status, out, err = run(ENGLISH_WATER, CHINESE_WATER, slug="water-resources")

    assert status == 0, err
    draft = Department.objects.drafts().get()
    assert draft.slug == "water-resources"
    assert facts(draft, "en") == expected_facts(ENGLISH_WATER)["facts"]
    assert facts(draft, "zh-hans") == expected_facts(CHINESE_WATER)["facts"]
    assert "created Department of Water Resources" in out
    assert "updated 岚山省水利厅" in out
    assert Version.objects.get_for_object(draft).count() == 2

    # Now the Chinese name finds it, and neither page changes anything again.
    status, out, _err = run(CHINESE_WATER, ENGLISH_WATER)
    assert status == 0
    assert out.count("no changes") == 2
    assert Version.objects.get_for_object(draft).count() == 2


def test_importing_one_language_leaves_the_other_alone(seed, tmp_path):
    chinese_before = facts(seed, "zh-hans")
    page = SEED_PAGE.read_text("utf-8").replace(
        "(16) Completing other tasks", "(16) Completing all other tasks"
    )
    status, _out, err = run(write_page(tmp_path, "public-security.txt", page))
    assert status == 0, err
    seed.refresh_from_db()
    assert facts(seed, "zh-hans") == chinese_before
    last = seed.responsibilities.order_by("sort_order").last()
    assert last.text_en.startswith("Completing all other tasks")


def chinese_page(draft):
    """The draft's Chinese facts written the way the legacy CMS exported Chinese pages."""
    page = facts(draft, "zh-hans")
    institutions = page["institutions"]
    handled = next(item for item in institutions if item["handled_by"])
    direct = [u["name"] for u in page["affiliated_units"] if u["relation"] == "directly-affiliated"]
    managed = [u["name"] for u in page["affiliated_units"] if u["relation"] == "managed"]
    lines = [
        "首页 > 政府信息公开 > 机构职能",
        page["name"],
        "发布日期：2020-09-01 09:09",
        "",
        "机构职能",
        "",
        page["introduction"],
        "",
        *[f"{number}、{text}" for number, text in enumerate(page["responsibilities"], 1)],
        "",
        f"{page['name']}设下列内设机构：{'、'.join(item['name'] for item in institutions)}等，"
        f"这些机构负责相关工作。{handled['name']}的日常工作由{'、'.join(handled['handled_by'])}"
        "等承担。",
        "",
        f"{page['name']}有{len(direct)}个直属单位，包括{'、'.join(direct[:-1])}和{direct[-1]}，"
        f"并管理{'、'.join(managed)}。",
        "",
        *[f"{contact['label']}：{contact['value']}" for contact in page["contacts"]],
        "",
        "【打印】【关闭】",
    ]
    return "\n".join(lines)


def test_chinese_page_of_the_seed_department_matches_its_chinese_facts(seed, tmp_path):
    chinese = facts(seed, "zh-hans")
    english = facts(seed, "en")
    page = write_page(tmp_path, "公安厅.txt", chinese_page(seed), encoding="gb18030")

    status, out, err = run(page)

    assert status == 0, err
    assert "浙江省公安厅 (public-security, Simplified Chinese): no changes." in out
    # And into a department that has only its English text, it fills the Chinese.
    Department.objects.all().delete()
    run(SEED_PAGE)
    status, out, err = run(page, slug="department-of-public-security-of-zhejiang-province")
    assert status == 0, err
    draft = Department.objects.drafts().get()
    assert facts(draft, "zh-hans") == chinese
    assert facts(draft, "en") == english


def test_html_problems_are_reported_at_their_source_lines(tmp_path, lanshan):
    page = write_page(
        tmp_path,
        "page.html",
        "<html>\n<body>\n<h1>Bureau of Testing of Lanshan Province</h1>\n"
        "<ol>\n<li>Testing.</li>\n</ol>\n<p>\n  Provincial Testing Centre\n</p>\n"
        "<p>Telephone: 0571-12345678</p>\n</body>\n</html>\n",
    )
    status, _out, err = run(page)
    assert status == 1
    assert "line 8: Provincial Testing Centre — could not place this line" in err


def test_chinese_page_of_an_unknown_department_asks_for_a_slug(lanshan):
    status, _out, err = run(CHINESE_WATER)
    assert status == 1
    assert "No department is named “岚山省水利厅” in Simplified Chinese" in err
    assert "--slug" in err
    assert not Department.objects.exists()


# Refusals.


@pytest.mark.parametrize("name", sorted(MALFORMED_PAGES))
def test_malformed_page_is_refused_and_the_good_one_imported(lanshan, name):
    expected = MALFORMED_PAGES[name]
    good = expected_facts(GOOD_PAGE)["facts"]

    status, out, err = run(MALFORMED / name, GOOD_PAGE)

    assert status == 1
    assert f"{name}: refused, nothing was imported:" in err
    for line in expected["lines"]:
        assert f"  line {line}: " in err
    assert expected["message"] in err
    # The good page is in, and nothing of the refused one.
    draft = Department.objects.drafts().get()
    assert facts(draft, "en") == good
    assert row_counts() == {
        "Department": 1,
        "Responsibility": len(good["responsibilities"]),
        "Institution": len(good["institutions"]),
        "AffiliatedUnit": len(good["affiliated_units"]),
        "Contact": len(good["contacts"]),
        "Version": 1
        + len(good["responsibilities"])
        + len(good["institutions"])
        + len(good["affiliated_units"])
        + len(good["contacts"]),
    }
    assert "1 created, 0 updated, 0 unchanged, 1 refused." in out


def test_refused_page_reports_every_unplaceable_line(tmp_path, lanshan):
    page = write_page(
        tmp_path,
        "two-problems.txt",
        "Department of Mining of Lanshan Province\n"
        "Date:2021-01-01 10:00\n"
        "\n"
        "1. Supervising mines.\n"
        "\n"
        "Click here to rate this page\n"
        "\n"
        "2. Licensing quarries.\n"
        "\n"
        "Fax: not available\n",
    )
    status, out, err = run(page)
    assert status == 1
    # A line that holds no fact is only a warning, but named all the same.
    assert "line 6: Click here to rate this page — left out" in out + err
    assert "line 8: " in err  # numbered after a line that ended the responsibilities
    assert "line 10: Fax: not available — Enter a telephone number" in err
    assert not Department.objects.exists()


ENGLISH_HEAD = (
    "Department of Testing of Lanshan Province\nDate: 2021-03-15\n\n(1) Testing.\n"
    "(2) Completing other tasks.\n\n"
)
CHINESE_HEAD = (
    "岚山省测试厅\n发布日期：2021-03-15\n\n（一）负责全省测试工作。\n"
    "（二）完成省政府交办的其他任务。\n\n"
)


@pytest.mark.parametrize(
    ("sentence", "institutions", "units"),
    [
        (
            "The Bureau's internal institutions include the General Office and the Policy "
            "Division. The Policy Division also handles the routine work of the General Office.",
            ["General Office", "Policy Division"],
            [],
        ),
        (
            "Its subordinate units include the Testing Center, the Testing School and the "
            "Testing Museum, etc. It also manages the Testing Association.",
            [],
            [("Testing Center", "directly-affiliated"), ("Testing School", "directly-affiliated")]
            + [("Testing Museum", "directly-affiliated"), ("Testing Association", "managed")],
        ),
        (
            "Internal institutions: General Office, Personnel Division and Party Committee "
            "Office. The routine work of the Party Committee Office is handled by the Personnel "
            "Division.",
            ["General Office", "Personnel Division", "Party Committee Office"],
            [],
        ),
        (
            "岚山省测试厅设办公室、综合处、法规处和人事处四个处室。",
            ["办公室", "综合处", "法规处", "人事处"],
            [],
        ),
        (
            "岚山省测试厅内设机构共3个：办公室，综合处，法规处。",
            ["办公室", "综合处", "法规处"],
            [],
        ),
        ("岚山省测试厅内设办公室、综合处、人事处。", ["办公室", "综合处", "人事处"], []),
        (
            "岚山省测试厅有直属单位2个：省测试中心、省测试学校，并代管省测试协会。",
            [],
            [("省测试中心", "directly-affiliated"), ("省测试学校", "directly-affiliated")]
            + [("省测试协会", "managed")],
        ),
        (
            "岚山省测试厅下属单位包括省测试中心和省测试馆。",
            [],
            [("省测试中心", "directly-affiliated"), ("省测试馆", "directly-affiliated")],
        ),
    ],
)
def test_inline_lists_give_their_names(tmp_path, lanshan, sentence, institutions, units):
    head = CHINESE_HEAD if "岚山" in sentence else ENGLISH_HEAD
    page = write_page(tmp_path, "page.txt", head + sentence + "\n")

    status, out, err = run(page, slug="testing")

    assert status == 0, err
    assert not re.search(r"\bline \d+: ", out)  # no warning
    draft = Department.objects.drafts().get()
    language = "zh-hans" if head == CHINESE_HEAD else "en"
    found = facts(draft, language)
    assert [item["name"] for item in found["institutions"]] == institutions
    assert [(unit["name"], unit["relation"]) for unit in found["affiliated_units"]] == units


@pytest.mark.parametrize(
    "page_text",
    [
        "Department of Testing of Lanshan Province\nDate: 2021-03-15\n\n(1) Testing.\n"
        "(2) Completing other tasks.\n\n"
        "The Department has the following internal institutions: etc.\n",
        "岚山省测试厅\n发布日期：2021-03-15\n\n（一）负责全省测试工作。\n"
        "（二）完成省政府交办的其他任务。\n\n岚山省测试厅设等5个内设机构。\n",
    ],
    ids=["en", "zh"],
)
def test_a_sentence_naming_a_list_without_names_is_refused_never_an_empty_list(
    tmp_path, lanshan, page_text
):
    page = write_page(tmp_path, "page.txt", page_text)

    status, _out, err = run(page, slug="testing")

    assert status == 1
    assert "line 7: " in err
    assert "this sentence names a list, but no name could be read in it" in err
    assert not Department.objects.exists()


def test_a_line_that_could_hold_a_fact_refuses_the_page_one_that_cannot_is_a_warning(
    tmp_path, lanshan
):
    head = (
        "Department of Testing of Lanshan Province\nDate: 2021-03-15\n\n(1) Testing.\n"
        "(2) Completing other tasks.\n\nThe Department has two internal institutions: "
        "General Office and Testing Division.\n\n"
    )
    extra = write_page(tmp_path, "extra.txt", head + "Thank you for your visit\n")
    unit = write_page(tmp_path, "unit.txt", head + "Provincial Testing Centre\n")

    status, out, err = run(extra)
    assert status == 0, err
    assert "line 9: Thank you for your visit — left out" in out
    assert Department.objects.drafts().get().institutions.count() == 2

    status, _out, err = run(unit)
    assert status == 1
    assert "line 9: Provincial Testing Centre — could not place this line" in err


def test_a_failure_while_writing_leaves_nothing_of_that_page(seed, monkeypatch, tmp_path):
    """One transaction per page: rows written before the failure are rolled back too."""
    before = facts(seed, "en")
    counts = row_counts()
    original = importer.DraftWriter.save

    def save_then_fail(self, draft):
        original(self, draft)
        raise importer.ImportRefused([importer.Problem(None, "", "disk full")])

    monkeypatch.setattr(importer.DraftWriter, "save", save_then_fail)
    changed = SEED_PAGE.read_text("utf-8").replace("No. 66 Minsheng Road", "No. 68 Minsheng Road")
    status, _out, err = run(write_page(tmp_path, "public-security.txt", changed))

    assert status == 1 and "disk full" in err
    seed.refresh_from_db()
    assert facts(seed, "en") == before
    assert row_counts() == counts


def test_exit_status_and_summary_when_a_folder_holds_only_bad_pages(lanshan):
    status, out, err = run(MALFORMED)
    assert status == 1
    assert f"0 created, 0 updated, 0 unchanged, {len(MALFORMED_PAGES)} refused." in out
    assert err.count("refused, nothing was imported") == len(MALFORMED_PAGES)
    assert "expected.json" not in err
    assert not Department.objects.exists()


def test_a_missing_file_is_refused_and_the_others_imported(lanshan, tmp_path):
    status, _out, err = run(tmp_path / "missing.txt", GOOD_PAGE)
    assert status == 1
    assert "Cannot read the file" in err
    assert Department.objects.count() == 1


# Re-importing, changing, dry runs, publishing.


def test_reimporting_the_same_page_changes_nothing(lanshan):
    run(ENGLISH_WATER)
    draft = Department.objects.drafts().get()
    changed_at = draft.content_changed_at
    counts = row_counts()

    status, out, _err = run(ENGLISH_WATER)

    assert status == 0
    assert "no changes" in out
    assert row_counts() == counts
    draft.refresh_from_db()
    assert draft.content_changed_at == changed_at


def test_a_changed_page_updates_the_draft_and_records_a_revision(seed, tmp_path):
    versions = Version.objects.get_for_object(seed).count()
    zh_third = seed.responsibilities.get(sort_order=3).text_zh_hans
    changed = (
        SEED_PAGE.read_text("utf-8")
        .replace("(3) Being in charge of", "(3) Being fully in charge of")
        .replace(
            "Public Telephone: 0571-87286688", "Public Telephone: 0571-87286688, 0571-87286699"
        )
        .replace("Website: http://gat.zj.gov.cn/", "")
    )
    lines = changed.splitlines()
    sixteenth = next(index for index, line in enumerate(lines) if line.startswith("(16)"))
    del lines[sixteenth]

    status, out, err = run(write_page(tmp_path, "public-security-v2.txt", "\n".join(lines)))

    assert status == 0, err
    seed.refresh_from_db()
    assert Version.objects.get_for_object(seed).count() == versions + 1
    latest = Version.objects.get_for_object(seed).first()
    assert latest.revision.comment == "Imported from public-security-v2.txt."
    third = seed.responsibilities.get(sort_order=3)
    assert third.text_en.startswith("Being fully in charge of")
    assert third.text_zh_hans == zh_third
    assert seed.responsibilities.count() == 15
    telephones = seed.contacts.filter(kind="telephone").order_by("sort_order")
    assert [contact.value_en for contact in telephones] == ["0571-87286688", "0571-87286699"]
    assert telephones[0].value_zh_hans == "0571-87286688"
    assert not telephones[1].value_zh_hans
    assert not seed.contacts.filter(kind="website").exists()
    state = Department.objects.with_publication_state().get(pk=seed.pk).publication_state
    assert state == PublicationState.CHANGED
    assert "responsibility 3, text (en)" in out
    assert "- responsibility 16" in out
    assert "- contact 4" in out


def test_dry_run_prints_changes_field_by_field_and_writes_nothing(seed, tmp_path):
    counts = row_counts()
    before = facts(seed, "en")
    changed = (
        SEED_PAGE.read_text("utf-8")
        .replace(
            "Address: No. 66 Minsheng Road, Hangzhou", "Address: No. 88 Minsheng Road, Hangzhou"
        )
        .replace("Date:2020-09-01 09:09", "Date:2021-10-01 08:00")
    )

    status, out, _err = run(write_page(tmp_path, "public-security.txt", changed), dry_run=True)

    assert status == 0
    assert "would update Department of Public Security of Zhejiang Province" in out
    assert (
        "~ contact 1, value (en): “No. 66 Minsheng Road, Hangzhou” → "
        "“No. 88 Minsheng Road, Hangzhou”" in out
    )
    assert "~ department, publication date: 2020-09-01 09:09 → 2021-10-01 08:00" in out
    assert "Dry run, nothing written" in out
    assert row_counts() == counts
    seed.refresh_from_db()
    assert facts(seed, "en") == before


def test_dry_run_of_a_new_department_lists_what_would_be_created(lanshan):
    status, out, _err = run(ENGLISH_WATER, CHINESE_WATER, slug="water-resources", dry_run=True)
    assert status == 0
    assert "would create Department of Water Resources of Lanshan Province" in out
    assert "+ institution 1, routine work handled by: “Personnel”; “General Office”" in out
    # The Chinese page finds the department the English one would create.
    assert "would update 岚山省水利厅 (water-resources, Simplified Chinese)" in out
    assert not Department.objects.exists()
    assert not Version.objects.exists()


def test_publish_option_publishes_with_the_page_date(lanshan):
    status, out, _err = run(ENGLISH_WATER, publish=True)
    assert status == 0
    assert "Published." in out
    publication = Department.objects.published().get()
    assert timezone.localtime(publication.published_at).isoformat() == ("2021-03-15T10:30:00+08:00")
    # An unchanged page of a published department publishes nothing more.
    status, out, _err = run(ENGLISH_WATER, publish=True)
    assert "no changes" in out and "Published." not in out


def test_imported_drafts_are_not_published(lanshan):
    run(ENGLISH_WATER)
    assert not Department.objects.published().exists()
    draft = Department.objects.drafts().get()
    state = Department.objects.with_publication_state().get(pk=draft.pk).publication_state
    assert state == PublicationState.DRAFT_ONLY


def test_several_governments_need_one_chosen(lanshan):
    Government.objects.create(slug="other", name_en="Other", name_zh_hans="其他")
    status, _out, err = run(GOOD_PAGE)
    assert status == 1
    assert "--government" in err
    status, _out, _err = run(GOOD_PAGE, government="other", kind="affiliated")
    assert status == 0
    draft = Department.objects.drafts().get()
    assert (draft.government.slug, draft.kind) == ("other", "affiliated")
    with pytest.raises(CommandError, match="No government has the slug"):
        call_command("import_legacy", str(GOOD_PAGE), government="nowhere")


def test_existing_department_is_matched_by_name_before_slug(seed):
    """An English page finds its department by name, whatever the department's slug."""
    status, out, _err = run(SEED_PAGE)
    assert status == 0
    assert "(public-security, English): no changes." in out
    assert Department.objects.drafts().count() == 1


# Reading exports the samples do not show.


def parse(text, name="page.txt", encoding="utf-8"):
    return importer.parse_export(text.encode(encoding), name)


ENGLISH_SKELETON = """Bureau of Testing of Lanshan Province
Date:2020-01-02 03:04

{items}

Telephone: 0571-12345678
"""


@pytest.mark.parametrize(
    "items",
    [
        "(1) First duty.\n(2) Second duty.",
        "1. First duty.\n2. Second duty.",
        "1、First duty.\n2、Second duty.",
        "（1）First duty.\n（2）Second duty.",
        "（一）First duty.\n（二）Second duty.",
        "一、First duty.\n二、Second duty.",
        "① First duty.\n② Second duty.",
        "• First duty.\n• Second duty.",
    ],
)
def test_every_numbering_style_gives_the_same_responsibilities(items):
    page = parse(ENGLISH_SKELETON.format(items=items))
    assert page.problems == []
    assert [text for text, _line in page.responsibilities] == ["First duty.", "Second duty."]


def test_labels_and_numbers_in_english_and_chinese():
    page = parse(
        "测试局\n发布日期：2020年9月1日 9:09\n\n（一）负责测试。\n\n"
        "地址：测试路1号　邮编：310000\n"
        "电话：0571-1234567；0571-7654321、0571-1111111\n"
        "投诉电话：12345\n传真：0571-2222222\n电子邮箱：a@b.example\n"
        "网址：https://test.example/\n办公时间：工作日 9:00-17:00\n"
    )
    assert page.problems == []
    assert page.language == "zh-hans"
    assert timezone.localtime(page.published_at).strftime("%Y-%m-%d %H:%M") == "2020-09-01 09:09"
    assert [(contact.kind, contact.label, contact.value) for contact in page.contacts] == [
        ("address", "地址", "测试路1号"),
        ("postcode", "邮编", "310000"),
        ("telephone", "电话", "0571-1234567"),
        ("telephone", "电话", "0571-7654321"),
        ("telephone", "电话", "0571-1111111"),
        ("complaint-telephone", "投诉电话", "12345"),
        ("fax", "传真", "0571-2222222"),
        ("email", "电子邮箱", "a@b.example"),
        ("website", "网址", "https://test.example/"),
        ("office-hours", "办公时间", "工作日 9:00-17:00"),
    ]


def test_chinese_units_with_count_and_managed_units():
    page = parse(
        "测试厅\n\n（一）负责测试。\n\n"
        "测试厅设有办公室、财务处和人事处等3个内设机构。其中，办公室的日常工作由财务处、人事处承担。\n\n"
        "测试厅有两个直属单位，包括测试中心和车辆管理所，并管理测试协会。\n"
    )
    assert page.problems == []
    assert [item.name for item in page.institutions] == ["办公室", "财务处", "人事处"]
    assert page.institutions[0].handlers == [1, 2]
    assert [(unit.name, unit.relation) for unit in page.units] == [
        ("测试中心", "directly-affiliated"),
        ("车辆管理所", "directly-affiliated"),
        ("测试协会", "managed"),
    ]


def test_html_is_read_like_a_browser_shows_it():
    page = parse(
        "<html><head><title>Ignored title</title><script>var a = '<p>x</p>';</script></head>"
        "<body><nav>Home &gt; Departments</nav><h1>Bureau of Testing</h1>"
        "<p>Date: 2020-01-02</p><p>The bureau tests things &amp; more. Its main "
        "responsibilities include:</p><ol start='1'><li>Testing.</li><li>Retesting.</li></ol>"
        "<p>Tel:&nbsp;0571-12345678<br>E-mail: test@example.org</p></body></html>",
        name="page.htm",
    )
    assert page.problems == []
    assert page.name == "Bureau of Testing"
    assert page.introduction == "The bureau tests things & more. Its main responsibilities include:"
    assert [text for text, _line in page.responsibilities] == ["Testing.", "Retesting."]
    assert [contact.value for contact in page.contacts] == ["0571-12345678", "test@example.org"]


def test_gb18030_and_declared_charsets_are_decoded():
    text = "测试局\n\n一、负责测试。\n"
    assert parse(text, encoding="gb18030").name == "测试局"
    html = '<meta charset="gbk"><h1>测试局</h1><p>一、负责测试。</p>'
    assert parse(html, "page.html", encoding="gb18030").responsibilities == [("负责测试。", 1)]


def test_lists_split_on_and_only_between_names():
    split = importer.split_names
    assert split("Patrol and Special Police, Complaints and Proposals", "en") == [
        "Patrol and Special Police",
        "Complaints and Proposals",
    ]
    assert split("the A Office, the B Office and the C Office", "en") == [
        "A Office",
        "B Office",
        "C Office",
    ]
    assert split("Finance Division and Rivers and Lakes", "en", expected=2) == [
        "Finance Division",
        "Rivers and Lakes",
    ]
    assert split("人力资源和社会保障服务中心、财务处和人事处", "zh-hans") == [
        "人力资源和社会保障服务中心",
        "财务处",
        "人事处",
    ]


def test_handlers_are_matched_to_the_listed_short_names():
    names = ["Political Department", "Personnel Training", "Publicity", "Retirement", "Audit"]
    match = importer.match_name
    assert match("Personnel and Training Department", names, "en") == 1
    assert match("Department of Retirees", names, "en") == 3
    assert match("Publicity Department", names, "en") == 2
    assert match("Department of Astronomy", names, "en") is None


def test_a_list_collapsed_into_one_paragraph_is_split_into_items():
    page = parse(
        "<h1>测试局</h1><p>测试局是省政府直属机构。主要职责是：（一）组织调查。"
        "（二）发布数据（含110个指标）。（三）完成其他任务。</p>",
        name="page.html",
    )
    assert page.problems == []
    assert page.introduction == "测试局是省政府直属机构。主要职责是："
    assert [text for text, _line in page.responsibilities] == [
        "组织调查。",
        "发布数据（含110个指标）。",
        "完成其他任务。",
    ]


def test_sections_list_one_name_a_line():
    page = parse(
        "测试厅\n\n主要职责：\n1.负责测试工作。\n2.组织实施测试。\n\n"
        "内设机构\n办公室\n法规处\n\n直属单位\n省测试中心\n省培训中心\n\n"
        "联系方式\n地址：测试路8号   电话：0571-81234567\n"
    )
    assert page.problems == []
    assert [item.name for item in page.institutions] == ["办公室", "法规处"]
    assert [unit.name for unit in page.units] == ["省测试中心", "省培训中心"]
    assert [contact.kind for contact in page.contacts] == ["address", "telephone"]


def test_leaders_are_refused_with_a_reason():
    page = parse(
        "Bureau of Testing\n\n1. Testing.\n\nLeaders\nDirector: Zhang San\nDeputy: Li Si\n"
    )
    assert [problem.line for problem in page.problems] == [6, 7]
    assert "leaders are not imported" in page.problems[0].message


def test_a_title_after_the_name_is_not_taken_for_the_introduction():
    page = parse("Government Structure Portal\nBureau of Testing\n\n1. Testing.\n")
    assert [problem.line for problem in page.problems] == [2]


# The admin.


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")


def upload(*pages):
    return [SimpleUploadedFile(page.name, page.read_bytes()) for page in pages]


@pytest.mark.urls(__name__)
def test_admin_previews_then_imports_uploaded_pages(client, lanshan, superuser):
    client.force_login(superuser)
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()

    response = client.post(
        IMPORT_URL,
        {
            "files": upload(ENGLISH_WATER, CHINESE_WATER),
            "slug": "water-resources",
            "kind": "component",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "en-water-resources.txt: Will be created" in content
    assert "zh-water-resources.txt: Will be updated" in content
    assert "Department of Water Resources of Lanshan Province" in content
    assert "岚山省水利厅" in content
    assert not Department.objects.exists()
    payload = response.context["payload"]

    response = client.post(IMPORT_URL, {"payload": payload, "confirm": "Import"})

    assert response.status_code == 200
    draft = Department.objects.drafts().get()
    assert facts(draft, "en") == expected_facts(ENGLISH_WATER)["facts"]
    assert facts(draft, "zh-hans") == expected_facts(CHINESE_WATER)["facts"]
    assert "en-water-resources.txt: Created" in response.content.decode()
    assert f"{ADMIN_PREFIX}{draft.pk}/change/" in response.content.decode()
    revision = Version.objects.get_for_object(draft).first().revision
    assert revision.user == superuser
    assert not Department.objects.published().exists()


@pytest.mark.urls(__name__)
def test_admin_shows_refused_lines_and_imports_only_the_good_file(client, lanshan, superuser):
    client.force_login(superuser)
    response = client.post(
        IMPORT_URL, {"files": upload(MALFORMED / "numbering-gap.txt", GOOD_PAGE)}
    )
    content = response.content.decode()
    assert "numbering-gap.txt: Refused" in content
    assert "Line 8" in content
    assert "(4) Supervising examinations." in content
    assert "en-archives-no-intro.txt: Will be created" in content

    client.post(IMPORT_URL, {"payload": response.context["payload"]})

    assert list(Department.objects.values_list("name_en", flat=True)) == [
        "Archives Bureau of Lanshan Province"
    ]


@pytest.mark.urls(__name__)
def test_admin_refuses_a_tampered_preview(client, lanshan, superuser):
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"payload": "forged"}, follow=True)
    assert "The preview has expired" in response.content.decode()
    assert not Department.objects.exists()


@pytest.mark.urls(__name__)
def test_only_staff_who_may_add_departments_can_import(client, lanshan):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": upload(GOOD_PAGE)}).status_code == 403
    assert not Department.objects.exists()

    editor.user_permissions.add(Permission.objects.get(codename="add_department"))
    editor = get_user_model().objects.get(pk=editor.pk)
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"files": upload(GOOD_PAGE)})
    assert response.status_code == 200
    client.post(IMPORT_URL, {"payload": response.context["payload"]})
    draft = Department.objects.drafts().get()
    # They may go on editing what they imported.
    assert list(draft.editors.all()) == [editor]


@pytest.mark.urls(__name__)
def test_importers_who_are_not_superusers_update_only_their_departments(client, seed):
    user = get_user_model().objects.create_user("importer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_department"))
    client.force_login(user)
    response = client.post(IMPORT_URL, {"files": upload(SEED_PAGE)})
    assert "You may not edit the department" in response.content.decode()


def test_import_urls_are_ready_for_the_department_admin():
    (pattern,) = import_urls(admin.site.get_model_admin(Department))
    assert str(pattern.pattern) == "import/"
    assert pattern.name == "departments_department_import"


def test_revisions_of_imports_are_restorable(lanshan):
    """The revision holds the draft with its children, as the admin's history expects."""
    run(ENGLISH_WATER)
    draft = Department.objects.drafts().get()
    version = Version.objects.get_for_object(draft).get()
    models = {item.content_type.model for item in version.revision.version_set.all()}
    assert {"department", "responsibility", "institution", "affiliatedunit", "contact"} <= models
    assert reversion.is_registered(Department)


def test_department_list_links_to_the_import_page(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    content = client.get("/admin/departments/department/").content.decode()
    assert 'href="/admin/departments/department/import/"' in content
    assert client.get("/admin/departments/department/import/").status_code == 200


# Files that cannot be structure pages, and reading each page once.

# 60,000 short lines: under the size limit, far over any structure page's length. Reading it
# took 11 s before it was refused, and the admin read it again to confirm.
LONG_EXPORT = "Bureau of Testing\n\n" + "".join(f"({n}) Testing duty {n}.\n" for n in range(60_000))


@pytest.fixture
def nothing_is_read(monkeypatch):
    """Fails the test if an export is decoded or read line by line."""

    def fail(*args, **kwargs):
        raise AssertionError("the export was read")

    monkeypatch.setattr(importer, "decode", fail)
    monkeypatch.setattr(importer.PageReader, "read", fail)


@pytest.fixture
def pages_read(monkeypatch):
    """The names of the pages PageReader reads, in order."""
    names = []
    original = importer.PageReader.read

    def read(reader):
        names.append(reader.page.source)
        return original(reader)

    monkeypatch.setattr(importer.PageReader, "read", read)
    return names


@pytest.mark.django_db
def test_a_60000_line_file_is_refused_before_it_is_read(nothing_is_read):
    data = LONG_EXPORT.encode()
    assert len(data) <= importer.MAX_FILE_SIZE
    (result,) = importer.run_import(
        [importer.Source("long.txt", data)], importer.ImportOptions(dry_run=True)
    )
    assert result.refused
    assert [str(problem) for problem in result.problems] == [
        "The file has more than 20,000 lines, far more than any structure page; it was not read."
    ]


def test_one_line_of_html_with_thousands_of_paragraphs_is_refused_before_it_is_read(
    nothing_is_read,
):
    data = ("<html><body>" + "<p>Testing duty.</p>" * 30_000 + "</body></html>").encode()
    with pytest.raises(importer.ImportRefused):
        importer.parse_export(data, "long.html")


def test_a_page_with_too_many_lines_of_text_is_refused_before_it_is_read(pages_read):
    lines = "".join(f"({n}) Testing duty {n}.\n" for n in range(1, 1_500))
    with pytest.raises(importer.ImportRefused) as refusal:
        importer.parse_export(("Bureau of Testing\n\n" + lines).encode(), "long.txt")
    assert "more than 1,000 lines of text" in str(refusal.value)
    assert pages_read == []


@pytest.mark.django_db
def test_the_command_refuses_a_60000_line_file(tmp_path, nothing_is_read):
    export = tmp_path / "long.txt"
    export.write_text(LONG_EXPORT, encoding="utf-8")
    status, out, err = run(export, dry_run=True)
    assert status != 0
    assert "more than 20,000 lines" in out + err


@pytest.mark.urls(__name__)
def test_admin_upload_refuses_a_60000_line_file_with_a_message(
    client, lanshan, superuser, nothing_is_read
):
    client.force_login(superuser)
    response = client.post(
        IMPORT_URL, {"files": [SimpleUploadedFile("long.txt", LONG_EXPORT.encode())]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["files"] == [
        "long.txt: The file has more than 20,000 lines, far more than any structure page; "
        "it was not read."
    ]
    assert "payload" not in response.context
    response = client.post(
        IMPORT_URL,
        {"files": [SimpleUploadedFile("long.txt", LONG_EXPORT.encode())]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "long.txt：该文件超过2万行" in response.content.decode()


@pytest.mark.urls(__name__)
def test_admin_reads_each_page_once_from_preview_to_confirmation(
    client, lanshan, superuser, pages_read
):
    client.force_login(superuser)
    response = client.post(
        IMPORT_URL,
        {"files": upload(ENGLISH_WATER, CHINESE_WATER), "slug": "water-resources"},
    )
    assert pages_read == ["en-water-resources.txt", "zh-water-resources.txt"]

    response = client.post(IMPORT_URL, {"payload": response.context["payload"]})

    assert "en-water-resources.txt: Created" in response.content.decode()
    assert pages_read == ["en-water-resources.txt", "zh-water-resources.txt"]
    draft = Department.objects.drafts().get()
    assert facts(draft, "en") == expected_facts(ENGLISH_WATER)["facts"]
    assert facts(draft, "zh-hans") == expected_facts(CHINESE_WATER)["facts"]


def test_publish_option_refuses_the_page_whose_address_another_department_holds(lanshan):
    holder = Department.objects.create(
        government=lanshan, slug="water-resources", name_en="Lanshan Water Bureau"
    )
    publish(holder)
    holder.slug = "water-bureau"
    holder.save()
    status, out, err = run(ENGLISH_WATER, publish=True, slug="water-resources")
    assert status != 0
    said = out + err
    assert "refused" in said and "Lanshan Water Bureau" in said and "water-resources" in said
    # Refused whole: not even the draft was created.
    assert list(Department.objects.drafts()) == [holder]
