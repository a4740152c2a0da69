"""A list that names only some of its items says so ("including …, etc.", "……等"), per list:
the internal institutions, each institution's handlers of routine work, the directly
affiliated units and the managed units; on the page, the organization chart, the API and
the JSON-LD, in both languages."""

import json

import pytest
from django.utils import translation

from departments import documents
from departments.models import AffiliatedUnit, Department
from tests.admin_forms import form_data
from tests.conftest import page_text

DIRECT = AffiliatedUnit.Relation.DIRECTLY_AFFILIATED
MANAGED = AffiliatedUnit.Relation.MANAGED
EN_SEED = "/en/government/structure/public-security/"
ZH_SEED = "/zh-hans/government/structure/public-security/"


def texts(client, department):
    url = department.get_absolute_url()
    english = page_text(client.get(url))
    with translation.override("zh-hans"):
        chinese = page_text(client.get(department.get_absolute_url()))
    return english, chinese


def json_ld(client, url):
    content = client.get(url).content.decode()
    start = content.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(content[start : content.index("</script>", start)])


@pytest.fixture
def offices(make_department, republish):
    """A department with three institutions, the first one's routine work handled by the
    other two, and two directly affiliated units and two managed units."""

    def make(**flags):
        department = make_department(publish_now=False, **flags.pop("department", {}))
        first, second, third = (
            department.institutions.create(name_en=en, name_zh_hans=zh, sort_order=order)
            for order, (en, zh) in enumerate(
                [("General Office", "办公室"), ("Publicity", "宣传处"), ("Audit", "审计处")]
            )
        )
        first.routine_work_handled_by.add(second, third)
        first.routine_work_handlers_not_exhaustive = flags.pop("handlers", False)
        first.save()
        for order, (en, zh, relation) in enumerate(
            [
                ("Training Centre", "培训中心", DIRECT),
                ("Information Centre", "信息中心", DIRECT),
                ("Police Team", "警察队", MANAGED),
                ("Flying Squad", "飞行队", MANAGED),
            ]
        ):
            department.affiliated_units.create(
                name_en=en, name_zh_hans=zh, relation=relation, sort_order=order
            )
        return republish(department)

    return make


def test_complete_lists_read_as_complete(client, offices):
    english, chinese = texts(client, offices())
    assert "consists of the following institutions, which" in english
    assert "handled by the Publicity and Audit." in english
    assert (
        "has two directly affiliated units, including the Training Centre and the Information "
        "Centre, and manages the Police Team and the Flying Squad." in english
    )
    assert "etc." not in english
    assert "设下列内设机构，分别负责相关工作：" in chinese
    assert "办公室的日常工作由宣传处和审计处承担。" in chinese
    assert "设培训中心、信息中心等两个直属单位，管理警察队和飞行队。" in chinese
    assert "其他未一一列出" not in chinese


def test_institutions_not_exhaustive_say_including(client, offices):
    english, chinese = texts(client, offices(department={"institutions_not_exhaustive": True}))
    assert "consists of institutions including the following, which" in english
    assert "Others not listed" in english
    assert "主要设有下列内设机构，分别负责相关工作：" in chinese
    assert "其他未一一列出" in chinese


def test_handlers_not_exhaustive_end_with_etc(client, offices):
    english, chinese = texts(client, offices(handlers=True))
    assert "The routine work of the General Office is handled by the Publicity, Audit, etc. " in (
        english
    )
    assert "Routine work handled by the Publicity, Audit, etc." in english
    assert "办公室的日常工作由宣传处、审计处等承担。" in chinese
    assert "日常工作由宣传处、审计处等承担" in chinese


def test_units_not_exhaustive_name_no_count(client, offices):
    department = offices(
        department={
            "directly_affiliated_units_not_exhaustive": True,
            "managed_units_not_exhaustive": True,
        }
    )
    english, chinese = texts(client, department)
    assert (
        "has directly affiliated units including the Training Centre, the Information Centre, "
        "etc., and manages the Police Team, the Flying Squad, etc." in english
    )
    assert "two directly" not in english
    assert "设培训中心、信息中心等直属单位，管理警察队、飞行队等。" in chinese
    assert "两个" not in chinese


def test_the_seed_says_its_institutions_and_handlers_are_not_all(client, seed):
    english = page_text(client.get(EN_SEED))
    chinese = page_text(client.get(ZH_SEED))
    assert "consists of institutions including the following" in english
    assert "Publicity Department, Department of Retirees, etc." in english
    assert "浙江省公安厅主要设有下列内设机构，分别负责相关工作：" in chinese
    assert "政治部的日常工作由人事训练处、宣传处、离退休干部处等承担。" in chinese
    # Its units are all listed, with their count.
    assert "has four directly affiliated units" in english
    assert "设省监狱、车辆管理所、高速公路交通警察总队、机场公安局等四个直属单位" in chinese


def test_the_api_gives_each_list_s_completeness(client, seed):
    data = client.get("/api/v1/departments/public-security/").json()
    assert data["institutions_not_exhaustive"] is True
    assert data["directly_affiliated_units_not_exhaustive"] is False
    assert data["managed_units_not_exhaustive"] is False
    by_code = {item["code"]: item for item in data["institutions"]}
    assert by_code["political-department"]["routine_work_handlers_not_exhaustive"] is True
    assert by_code["general-office"]["routine_work_handlers_not_exhaustive"] is False


def test_the_json_ld_says_the_list_is_not_exhaustive(client, seed):
    english = json_ld(client, EN_SEED)["description"]
    chinese = json_ld(client, ZH_SEED)["description"]
    assert "consists of institutions including Political Department, General Office, " in english
    assert "Publicity, Retirement, etc. " in english
    assert "浙江省公安厅设政治部、办公室、" in chinese
    assert "宣传处、离退休干部处等内设机构。" in chinese


def test_a_document_of_the_previous_version_is_rebuilt_with_the_flags(client, seed):
    publications = Department.objects.filter(draft__isnull=False)
    old = publications.get().document
    # What version 1 stored: no flags.
    old["schema_version"] = 1
    for key in (
        "institutions_not_exhaustive",
        "directly_affiliated_units_not_exhaustive",
        "managed_units_not_exhaustive",
    ):
        del old[key]
    for institution in old["institutions"]:
        del institution["handlers_not_exhaustive"]
    publications.update(document=old)

    assert "Department of Retirees, etc." in page_text(client.get(EN_SEED))
    rebuilt = publications.get().document
    assert rebuilt["schema_version"] == documents.SCHEMA_VERSION == 2
    assert rebuilt["institutions_not_exhaustive"] is True


def test_editors_say_in_the_admin_which_lists_name_only_some(client, seed, django_user_model):
    change_url = f"/admin/departments/department/{seed.pk}/change/"
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "pw"))
    data = form_data(client.get(change_url))
    # The seed's flags, as the change page shows them.
    assert data["institutions_not_exhaustive"] == "on"
    assert "managed_units_not_exhaustive" not in data
    political = next(
        index
        for index in range(int(data["institutions-TOTAL_FORMS"]))
        if data[f"institutions-{index}-code"] == "political-department"
    )
    assert data[f"institutions-{political}-routine_work_handlers_not_exhaustive"] == "on"
    # Saying the institutions are all listed, and the managed units are not.
    del data["institutions_not_exhaustive"]
    data["managed_units_not_exhaustive"] = "on"
    assert client.post(change_url, data).status_code == 302
    seed.refresh_from_db()
    assert seed.institutions_not_exhaustive is False
    assert seed.managed_units_not_exhaustive is True
    publish_url = f"/admin/departments/department/{seed.pk}/publish/"
    assert client.post(publish_url, {}).status_code == 302
    english = page_text(client.get(EN_SEED))
    assert "consists of the following institutions" in english
    assert "and manages the provincial public security aviation police team, etc." in english


def test_the_openapi_document_describes_the_flags(client, db):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    department = schemas["Department"]["properties"]
    for flag in (
        "institutions_not_exhaustive",
        "directly_affiliated_units_not_exhaustive",
        "managed_units_not_exhaustive",
    ):
        assert department[flag]["type"] == "boolean"
        assert flag in schemas["Department"]["required"]
    handlers = schemas["Institution"]["properties"]["routine_work_handlers_not_exhaustive"]
    assert handlers["type"] == "boolean" and "etc." in handlers["description"]
