"""Issue 21, item 1, in the importer: a list that says "etc." / "等" names only some of its
items, and the draft says so (the page then says "…, etc." / "…等")."""

import pytest

from departments.legacy import parse_export
from departments.models import Department, Institution
from departments.seed import SEED_PAGE
from tests.legacy_import import run

ZH_SKELETON = """岚山省测试局
2021年3月15日

岚山省测试局是省政府直属机构。

主要职责：
1、拟订全省测试工作规划。
2、完成省政府交办的其他任务。

{lists}

电话：0571-12345678
"""


def test_the_seed_page_marks_the_lists_it_ends_with_etc(lanshan):
    status, _out, err = run(SEED_PAGE)
    assert status == 0, err
    draft = Department.objects.drafts().get()
    # "consists of institutions including …, Retirement,etc."
    assert draft.institutions_not_exhaustive
    # "has 4 directly affiliated units, namely …" names all four.
    assert not draft.directly_affiliated_units_not_exhaustive
    political = draft.institutions.get(name_en="Political Department")
    # "… is handled by the Personnel and Training Department, …, Department of Retirees, etc."
    assert political.routine_work_handlers_not_exhaustive
    others = draft.institutions.exclude(pk=political.pk)
    assert not others.filter(routine_work_handlers_not_exhaustive=True).exists()


@pytest.mark.parametrize(
    ("lists", "institutions", "units"),
    [
        ("本局内设机构有：办公室、规划处、检测处等，分别承担相应工作。", True, False),
        ("本局设办公室、规划处、检测处3个内设机构。", False, False),
        # 等 closes a counted list that names every item: the list is complete.
        ("本局设办公室、规划处等两个内设机构。", False, False),
        ("本局设办公室、规划处等5个内设机构。", True, False),
        (
            "本局设办公室、规划处等两个内设机构。\n\n直属单位2个：省测试中心、省计量站等。",
            False,
            False,
        ),
        (
            "本局设办公室、规划处等两个内设机构。\n\n直属单位有：省测试中心、省计量站等。",
            False,
            True,
        ),
    ],
)
def test_chinese_lists_closing_with_deng(lists, institutions, units):
    page = parse_export(ZH_SKELETON.format(lists=lists).encode(), "page.txt")
    assert not page.problems, page.problems
    assert ("institutions" in page.not_exhaustive) is institutions
    assert ("directly-affiliated" in page.not_exhaustive) is units


def test_reimporting_after_the_list_is_completed_clears_the_flag(lanshan, tmp_path):
    page = tmp_path / "page.txt"
    partial = (
        "The Bureau has internal institutions including the General Office, "
        "the Testing Division, etc."
    )
    text = (
        "Bureau of Testing of Lanshan Province\nDate: 2021-03-15\n\n"
        "The Bureau of Testing is a provincial body.\n\nMain responsibilities:\n"
        "1. Drafting the province's testing plans.\n2. Completing other tasks.\n\n{lists}\n\n"
        "Telephone: 0571-12345678\n"
    )
    page.write_text(text.format(lists=partial), encoding="utf-8")
    assert run(page)[0] == 0
    draft = Department.objects.drafts().get()
    assert draft.institutions_not_exhaustive

    complete = (
        "The Bureau has internal institutions including the General Office "
        "and the Testing Division."
    )
    page.write_text(text.format(lists=complete), encoding="utf-8")
    status, out, _err = run(page)
    assert status == 0 and "1 updated" in out, out
    draft.refresh_from_db()
    assert not draft.institutions_not_exhaustive
    assert Institution.objects.filter(department=draft).count() == 2
