"""The open-data JSON API: published content only, every fact of the page, as documented."""

import copy
import io
import re
from datetime import timedelta

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from jsonschema.validators import Draft202012Validator
from PIL import Image
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from contacts.models import ContactKind
from departments.models import AffiliatedUnit, DepartmentKind, Leader, Responsibility
from departments.services import mark_changed, publish, withdraw
from tests.conftest import page_text
from tests.seed_page import read_seed_page

LIST = "/api/v1/departments/"
DETAIL = "/api/v1/departments/public-security/"
OPENAPI = "/api/v1/openapi.json"
EN_PAGE = "http://testserver/en/government/structure/public-security/"
ZH_PAGE = "http://testserver/zh-hans/government/structure/public-security/"
HANDLERS = ["personnel-training", "publicity", "retirement"]


def jpeg(width, height):
    output = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 90)).save(output, "JPEG")
    return ContentFile(output.getvalue(), name="photo.jpg")


@pytest.fixture
def with_images(seed, republish, settings, tmp_path):
    """The seed with an emblem and a leader with a photo, published; returns the draft."""
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    seed.emblem = jpeg(200, 200)
    seed.emblem_alt_en = "Emblem of the Public Security"
    seed.emblem_alt_zh_hans = "公安厅徽"
    seed.save()
    seed.leaders.create(
        name_en="Wang Ming",
        name_zh_hans="王明",
        post_en="Director",
        post_zh_hans="厅长",
        duties_en="Overall work.",
        biography_en="Born in 1970.",
        photo=jpeg(800, 1000),
        photo_alt_en="Portrait of Wang Ming",
        photo_alt_zh_hans="王明的照片",
    )
    republish(seed)
    return seed


@pytest.fixture
def openapi(client, db):
    # (The document reads no data, but the page cache checks the site's version.)
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


# --- Validation against the served OpenAPI document ---------------------------------------


def schema_validator(document, schema):
    """A Draft 2020-12 validator of ``schema``, whose $refs resolve inside the document."""
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(schema, registry=registry)


def response_schema(document, url, status):
    """The JSON schema the document gives for ``url`` answering ``status``, as a $ref."""
    server = document["servers"][0]["url"]
    path = url.split("?")[0].removeprefix(server)
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            responses = item["get"]["responses"]
            break
    else:
        raise AssertionError(f"{url}: no path of the document matches {path}")
    response = responses[str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    if "$ref" in schema:
        return {"$ref": "urn:openapi" + schema["$ref"]}
    return schema


def assert_matches_document(document, url, response):
    schema = response_schema(document, url, response.status_code)
    schema_validator(document, schema).validate(response.json())


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (LIST, 200),
        (LIST + "?lang=zh-hans", 200),
        (LIST + "?kind=component&lang=en", 200),
        (LIST + "?kind=special", 200),
        (LIST + "?page_size=1&page=2", 200),
        (DETAIL, 200),
        (DETAIL + "?lang=zh-hans", 200),
        (LIST + "?lang=fr", 400),
        (LIST + "?page=0", 400),
        (LIST + "?lang=", 400),
        (LIST + "?page=9", 404),
        (DETAIL + "?lang=fr", 400),
        ("/api/v1/departments/no-such-department/", 404),
        ("/api/v1/departments/a%0Ab/", 404),
    ],
)
def test_responses_match_the_openapi_document(client, with_images, make_department, url, status):
    make_department("transport")
    response = client.get(url)
    assert response.status_code == status
    assert_matches_document(client.get(OPENAPI).json(), url, response)


def test_detail_with_images_matches_the_document_and_has_absolute_renditions(
    client, with_images, openapi
):
    response = client.get(DETAIL)
    assert_matches_document(openapi, DETAIL, response)
    data = response.json()
    (leader,) = data["leaders"]
    assert leader["name"] == "Wang Ming"
    assert leader["post"] == "Director"
    assert leader["anchor"] == "leader-1"
    photo = leader["photo"]
    assert photo["alt"] == "Portrait of Wang Ming"
    assert photo["src"].startswith("http://testserver/media/renditions/")
    assert photo["src"].endswith("-640.jpg")
    assert (photo["width"], photo["height"]) == (640, 800)
    assert photo["srcset_webp"].count("http://testserver/media/") == 3
    assert photo["srcset_webp"].endswith(" 640w")
    assert data["emblem"]["alt"] == "Emblem of the Public Security"
    chinese = client.get(DETAIL + "?lang=zh-hans").json()
    assert chinese["leaders"][0]["photo"]["alt"] == "王明的照片"
    assert chinese["emblem"]["alt"] == "公安厅徽"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data.update(secret="draft text"), id="extra-field"),
        pytest.param(lambda data: data.pop("published_at"), id="missing-field"),
        pytest.param(lambda data: data["institutions"][0].update(code=7), id="wrong-type"),
        pytest.param(lambda data: data["kind"].update(code="ministry"), id="unknown-kind"),
        pytest.param(lambda data: data["leaders"][0]["photo"].pop("alt"), id="photo-without-alt"),
        pytest.param(lambda data: data.update(published_at="1 Sept 2020"), id="bad-date"),
    ],
)
def test_a_tampered_response_is_rejected(client, with_images, openapi, tamper):
    """The validation above can fail: the schemas are closed and strict."""
    data = client.get(DETAIL).json()
    schema = response_schema(openapi, DETAIL, 200)
    schema_validator(openapi, schema).validate(data)
    tampered = copy.deepcopy(data)
    tamper(tampered)
    with pytest.raises(jsonschema.ValidationError):
        schema_validator(openapi, schema).validate(tampered)


def test_every_schema_of_the_document_is_a_valid_json_schema(openapi):
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert openapi["openapi"].startswith("3.1")
    assert openapi["info"]["version"] == "1.0.0"


def test_every_reference_of_the_document_resolves(openapi):
    def references(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = set(references(openapi))
    assert "#/components/schemas/Department" in found
    for reference in found:
        target = openapi
        for part in reference.removeprefix("#/").split("/"):
            target = target[part]


def test_document_vocabularies_come_from_the_code(openapi):
    parameters = openapi["components"]["parameters"]
    assert parameters["lang"]["schema"]["enum"] == ["en", "zh-hans"]
    assert parameters["kind"]["schema"]["enum"] == DepartmentKind.values
    schemas = openapi["components"]["schemas"]

    def code_of(name, field):
        """The schema of the code of a {"code", "label"} property, through its $ref."""
        coded = schemas[name]["properties"][field]["$ref"].rsplit("/", 1)[1]
        return schemas[coded]["properties"]["code"]

    assert code_of("Contact", "kind")["enum"] == ContactKind.values
    assert code_of("AffiliatedUnit", "relation")["enum"] == AffiliatedUnit.Relation.values
    assert code_of("DepartmentSummary", "kind")["enum"] == DepartmentKind.values


# --- What the detail says -------------------------------------------------------------------


def test_detail_reproduces_every_fact_of_the_seed_page(client, seed):
    page = read_seed_page()
    data = client.get(DETAIL).json()
    assert data["lang"] == "en"
    assert data["name"] == page.name
    assert data["introduction"] == page.introduction
    assert data["published_at"] == "2020-09-01T09:09:00+08:00"
    assert data["kind"] == {"code": "component", "label": "Component department"}
    assert data["government"]["slug"] == "zhejiang"
    assert data["url"] == EN_PAGE
    assert data["alternates"] == {"en": EN_PAGE, "zh-hans": ZH_PAGE}
    assert data["api_url"] == "http://testserver" + DETAIL + "?lang=en"
    assert [item["text"] for item in data["responsibilities"]] == page.responsibilities
    assert [item["number"] for item in data["responsibilities"]] == list(range(1, 17))
    assert data["responsibilities"][15]["anchor"] == "responsibility-16"
    assert [item["name"] for item in data["institutions"]] == page.institutions
    assert len(data["institutions"]) == 22
    units = data["affiliated_units"]
    direct = [unit["name"] for unit in units if unit["relation"]["code"] == "directly-affiliated"]
    managed = [unit["name"] for unit in units if unit["relation"]["code"] == "managed"]
    assert (direct, managed) == (page.direct_units, page.managed_units)
    assert (data["directly_affiliated_count"], data["managed_count"]) == (4, 1)
    assert [unit["anchor"] for unit in units] == [f"unit-{n}" for n in range(1, 6)]
    assert [(item["label"], item["value"]) for item in data["contacts"]] == page.contacts
    assert [item["href"] for item in data["contacts"]] == [
        None,
        "tel:057187286688",
        "tel:057187286151",
        "http://gat.zj.gov.cn/",
    ]
    assert data["contacts"][1]["kind"] == {"code": "telephone", "label": "Telephone"}
    assert data["leaders"] == []
    assert data["emblem"] is None


def test_routine_work_relation_reads_both_ways(client, seed):
    institutions = {item["code"]: item for item in client.get(DETAIL).json()["institutions"]}
    political = institutions["political-department"]
    assert political["routine_work_handled_by"] == HANDLERS
    assert political["handles_routine_work_of"] == []
    for code in HANDLERS:
        assert institutions[code]["handles_routine_work_of"] == ["political-department"]
        assert institutions[code]["routine_work_handled_by"] == []


def test_anchors_are_the_ids_of_the_structure_page(client, seed):
    data = client.get(DETAIL).json()
    page = client.get(data["url"]).content.decode()
    anchors = [item["anchor"] for item in data["responsibilities"]]
    anchors += [item["anchor"] for item in data["institutions"]]
    anchors += [item["anchor"] for item in data["affiliated_units"]]
    anchors += [item["anchor"] for item in data["contacts"]]
    for anchor in anchors:
        assert f'id="{anchor}"' in page, anchor


def test_chinese_detail(client, seed):
    response = client.get(DETAIL + "?lang=zh-hans")
    assert response["Content-Language"] == "zh-hans"
    data = response.json()
    assert data["lang"] == "zh-hans"
    assert data["name"] == "浙江省公安厅"
    assert data["kind"]["label"] == "组成部门"
    assert data["government"]["name"] == "浙江省人民政府"
    assert data["url"] == ZH_PAGE
    assert data["api_url"].endswith("?lang=zh-hans")
    assert len(data["responsibilities"]) == 16
    assert data["responsibilities"][0]["text"].startswith("起草公安管理方面的地方性法规")
    political = data["institutions"][0]
    assert political["name"] == "政治部"
    assert political["routine_work_handled_by"] == HANDLERS
    assert data["affiliated_units"][0]["name"] == "省监狱"
    assert data["contacts"][0]["label"] == "地址"
    assert data["published_at"] == "2020-09-01T09:09:00+08:00"


def test_json_is_utf_8_without_escapes(client, seed):
    response = client.get(LIST + "?lang=zh-hans")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "浙江省公安厅" in response.content.decode("utf-8")


# --- Only published content -------------------------------------------------------------------


def listed_slugs(client, query=""):
    return [item["slug"] for item in client.get(LIST + query).json()["results"]]


def test_never_published_department_does_not_exist(client, seed, make_department):
    make_department("secret", publish_now=False)
    assert listed_slugs(client) == ["public-security"]
    response = client.get(LIST + "secret/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_withdrawn_department_does_not_exist(client, seed):
    withdraw(seed)
    assert client.get(LIST).json()["count"] == 0
    assert client.get(DETAIL).status_code == 404


def test_scheduled_publication_does_not_appear_before_its_time(client, make_department):
    draft = make_department("future", publish_now=False)
    publish(draft, live_from=timezone.now() + timedelta(days=1))
    assert listed_slugs(client) == []
    assert client.get(LIST + "future/").status_code == 404


def test_draft_edits_stay_hidden_until_published(client, seed, republish):
    seed.name_en = "Renamed in the draft"
    seed.save()
    seed.responsibilities.update(text_en="Draft duty")
    mark_changed(seed)
    data = client.get(DETAIL).json()
    assert data["name"] == "Department of Public Security of Zhejiang Province"
    assert "Draft duty" not in [item["text"] for item in data["responsibilities"]]
    listed = client.get(LIST).json()["results"][0]
    assert listed["name"] == "Department of Public Security of Zhejiang Province"
    republish(seed)
    assert client.get(DETAIL).json()["name"] == "Renamed in the draft"


# --- List, filter and pages -------------------------------------------------------------------


def test_list_entry(client, seed):
    data = client.get(LIST).json()
    assert data["count"] == 1
    (entry,) = data["results"]
    assert entry["slug"] == "public-security"
    assert entry["url"] == EN_PAGE
    assert entry["api_url"] == "http://testserver" + DETAIL + "?lang=en"
    assert entry["published_at"] == "2020-09-01T09:09:00+08:00"
    assert entry["updated_at"] == timezone.localtime(seed.publications.get().live_from).isoformat(
        timespec="seconds"
    )
    chinese = client.get(LIST + "?lang=zh-hans").json()
    assert chinese["lang"] == "zh-hans"
    assert chinese["results"][0]["name"] == "浙江省公安厅"
    assert chinese["results"][0]["url"] == ZH_PAGE


def test_kind_filters_the_list(client, seed, make_department):
    make_department("statistics", kind="affiliated")
    data = client.get(LIST + "?kind=affiliated").json()
    assert data["count"] == 1
    assert [item["slug"] for item in data["results"]] == ["statistics"]
    assert data["results"][0]["kind"]["code"] == "affiliated"
    assert listed_slugs(client, "?kind=component") == ["public-security"]
    assert listed_slugs(client, "?kind=special") == []
    assert listed_slugs(client) == ["public-security", "statistics"]


def test_list_follows_the_directory_order(client, make_department):
    make_department("second", sort_order=2)
    make_department("first", sort_order=1)
    make_department("also-second", sort_order=2)
    assert listed_slugs(client) == ["first", "second", "also-second"]


def test_pages_link_to_each_other_and_keep_the_other_parameters(client, make_department):
    slugs = [f"department-{n}" for n in range(5)]
    for order, slug in enumerate(slugs):
        make_department(slug, sort_order=order)
    # Parameters the API does not read are not repeated in its links.
    first = client.get(LIST + "?lang=zh-hans&page_size=2&utm_source=x").json()
    assert (first["count"], first["num_pages"], first["page"], first["page_size"]) == (5, 3, 1, 2)
    assert first["previous"] is None
    assert first["next"] == "http://testserver" + LIST + "?lang=zh-hans&page_size=2&page=2"
    seen, page = [], first
    while True:
        seen += [item["slug"] for item in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == slugs
    assert page["page"] == 3
    assert page["lang"] == "zh-hans"
    # (in the order the page cache puts the parameters in: by name)
    assert page["previous"] == "http://testserver" + LIST + "?lang=zh-hans&page=2&page_size=2"


def test_empty_list_has_one_empty_page(client, db):
    data = client.get(LIST).json()
    assert (data["count"], data["page"], data["num_pages"], data["results"]) == (0, 1, 1, [])


# --- Errors, methods, headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?lang=fr", "lang"),
        ("?lang=zh-Hans", "lang"),
        ("?kind=bogus", "kind"),
        ("?page=0", "page"),
        ("?page=-1", "page"),
        ("?page=abc", "page"),
        ("?page=1.5", "page"),
        ("?page=" + "9" * 5000, "page"),
        ("?page_size=1000", "page_size"),
        ("?page_size=101", "page_size"),
        ("?page_size=0", "page_size"),
        # An empty value is no value the document allows: refused, never read as missing.
        ("?lang=", "lang"),
        ("?kind=", "kind"),
        ("?page=", "page"),
        ("?page_size=", "page_size"),
        ("?lang=en&kind=&page=1", "kind"),
    ],
)
def test_bad_list_parameters_get_400_naming_the_parameter(client, seed, query, parameter):
    response = client.get(LIST + query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["parameter"] == parameter
    assert f"“{parameter}”" in error["message"]
    assert len(error["message"]) < 200


def test_page_after_the_last_is_not_found_and_names_the_last_page(client, seed):
    response = client.get(LIST + "?page=999999")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "There is no page 999999 for “page”; the last page is 1.",
            "parameter": "page",
        }
    }


@pytest.mark.parametrize("url", [LIST + "?page=", LIST + "?page_size=", LIST + "?kind="])
def test_an_empty_value_is_not_the_default(client, seed, url):
    """A program that means "the first page" leaves ``page`` out; "page=" is a mistake."""
    response = client.get(url)
    assert response.status_code == 400
    assert "results" not in response.json()


def test_largest_page_size_is_accepted(client, seed):
    assert client.get(LIST + "?page_size=100").json()["page_size"] == 100


@pytest.mark.parametrize("query", ["?lang=fr", "?lang="])
def test_bad_language_on_the_detail_gets_400(client, seed, query):
    response = client.get(DETAIL + query)
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "lang"
    assert "en, zh-hans" in response.json()["error"]["message"]


def test_errors_speak_the_requested_language(client, seed):
    error = client.get(LIST + "?lang=zh-hans&page=0").json()["error"]
    assert error["message"] == "“page”必须是不小于1的整数。"
    error = client.get(LIST + "no-such-department/?lang=zh-hans").json()["error"]
    assert "no-such-department" in error["message"]
    assert "没有" in error["message"]


def test_unknown_slug_gets_404_json(client, seed):
    response = client.get(LIST + "no-such-department/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No published department has the slug “no-such-department”.",
        }
    }


NOTHING_HERE = {
    "error": {
        "code": "not_found",
        "message": "There is nothing at this address. The API documentation lists the addresses.",
    }
}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing/here/",
        # A newline, which "." in a URL pattern does not match.
        "/api/v1/departments/a%0Ab/",
        "/api/v1/departments/a%0A/",
        "/api/v1/%0A/",
        "/api/v1/departments/public-security/%0A/",
        "/api/v1/departments/%FF/",
        "/api/v1/departments/a%2Fb/",
        "/api/v1/",
        "/api/v1/openapi.json/",
        # Other versions, and anything else under /api/.
        "/api/v2/departments/",
        "/api/anything/",
    ],
)
def test_unknown_api_address_gets_404_json(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == NOTHING_HERE
    response = client.post(url)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "url", ["/api/v1/departments/a%0Ab", "/api/v1/nothing", "/api/v2/x", "/api/v1/%0A"]
)
def test_unknown_api_address_without_trailing_slash_ends_in_404_json(client, db, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(url + "/", 301)]
    assert response.status_code == 404
    assert response.json() == NOTHING_HERE


def test_an_address_no_pattern_matches_gets_404_json(client, db, settings):
    """Without APPEND_SLASH's redirect, Django's own 404 (handler404) speaks JSON too."""
    settings.APPEND_SLASH = False
    response = client.get("/api/v1/departments/a%0Ab?lang=zh-hans")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["error"]["code"] == "not_found"
    assert response["Content-Language"] == "zh-hans"


def test_api_root_leads_to_the_documentation(client, db):
    """/api/ is the language-neutral address of the documentation page, for people."""
    response = client.get("/api/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/api/"


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        # More query parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS).
        (LIST + "?" + "&".join(f"x{number}=1" for number in range(1001)), {}),
        (DETAIL + "?lang=zh-hans", {"HTTP_HOST": "not-this-site.example"}),
    ],
)
def test_a_request_django_refuses_gets_400_json(client, seed, url, extra):
    response = client.get(url, **extra)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert "malformed" in error["message"]


def test_address_without_trailing_slash_is_redirected(client, db):
    response = client.get("/api/v1/departments")
    assert response.status_code == 301
    assert response["Location"] == LIST


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("url", [LIST, DETAIL, OPENAPI])
def test_only_get_and_head_are_allowed(client, seed, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_head_answers_like_get_without_a_body(client, seed):
    response = client.head(DETAIL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == b""


@pytest.mark.parametrize(
    ("url", "status"),
    [(LIST, 200), (DETAIL, 200), (OPENAPI, 200), (LIST + "?page=0", 400), (LIST + "x/", 404)],
)
def test_every_answer_is_open_to_other_sites(client, seed, url, status):
    response = client.get(url, headers={"origin": "https://example.org"})
    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == "*"


# --- Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_list_queries_do_not_grow_with_departments(
    uncached, client, make_department, django_assert_num_queries, count
):
    for number in range(count):
        make_department(f"department-{number}")
    with django_assert_num_queries(2):
        data = client.get(LIST + "?page_size=100&lang=zh-hans").json()
    assert len(data["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_detail_queries_do_not_grow_with_children(
    uncached, client, make_department, django_assert_num_queries, republish, count
):
    department = make_department(publish_now=False)
    Responsibility.objects.bulk_create(
        Responsibility(department=department, text_en=f"Duty {n}", code=f"duty-{n}", sort_order=n)
        for n in range(count)
    )
    for n in range(count):
        handled = department.institutions.create(name_en=f"Division {n}", code=f"division-{n}")
        handled.routine_work_handled_by.add(
            department.institutions.create(name_en=f"Office {n}", code=f"office-{n}")
        )
        department.affiliated_units.create(name_en=f"Unit {n}", code=f"unit-{n}")
        department.contacts.create(kind="telephone", value_en=f"0571-123456{n:02}")
        Leader.objects.create(department=department, name_en=f"Leader {n}", post_en="Deputy")
    republish(department)
    # The publication, its government and its document: one query.
    with django_assert_num_queries(1):
        data = client.get(f"{LIST}{department.slug}/").json()
    assert len(data["responsibilities"]) == count
    assert len(data["institutions"]) == 2 * count
    assert len(data["leaders"]) == count


# --- The documentation page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "heading", "phrase"),
    [("/en/api/", "Open data API", "Parameters"), ("/zh-hans/api/", "开放数据接口", "参数")],
)
def test_docs_page_explains_the_api_in_each_language(client, seed, url, heading, phrase):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", content) == [heading]
    assert phrase in content
    assert f'href="{LIST}?lang=en"' in content
    assert f'href="{LIST}?lang=zh-hans"' in content
    assert f'href="{OPENAPI}"' in content
    assert f'href="{DETAIL}?lang=' in content
    assert '<th scope="col"' in content
    assert '<th scope="row"' in content
    for code in DepartmentKind.values:
        assert f"<code>{code}</code>" in content


@pytest.mark.parametrize(
    ("url", "refused", "not_found"),
    [
        (
            "/en/api/",
            "an empty value is refused like any other value not listed",
            "the list has no such page",
        ),
        ("/zh-hans/api/", "空值和其他未列出的值一样不予接受", "列表没有该页"),
    ],
)
def test_docs_page_says_what_the_api_does_with_empty_values_and_missing_pages(
    client, seed, url, refused, not_found
):
    """The page says what the OpenAPI document says: an empty value is refused with 400,
    a page after the last answers 404."""
    text = page_text(client.get(url))
    assert refused in text
    assert not_found in text
    assert "counts as no value" not in text
