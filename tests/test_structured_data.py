"""schema.org JSON-LD on the structure page: right values in each language, well-formed, and
safe whatever editors type."""

import html
import json
import re

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from contacts.models import Contact
from departments import lookup
from departments.models import AffiliatedUnit, Department, Institution, Leader
from departments.services import publish
from departments.structure_page import StructurePage
from departments.structured_data import as_text, bcp47
from tests.seed_page import read_seed_page

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# The schema.org types the document may use, and what each property of theirs must hold.
ALLOWED_TYPES = {"GovernmentOrganization", "PostalAddress", "ContactPoint", "Person"}
TEXT, URL, NODE, NODES = "text", "url", "node", "nodes"
PROPERTIES = {
    "GovernmentOrganization": {
        "@id": URL,
        "name": TEXT,
        "alternateName": TEXT,
        "url": URL,
        "inLanguage": TEXT,
        "description": TEXT,
        "parentOrganization": NODE,
        "subOrganization": NODES,
        "address": NODE,
        "telephone": TEXT,
        "faxNumber": TEXT,
        "email": TEXT,
        "sameAs": "urls",
        "contactPoint": NODES,
        "employee": NODES,
        "logo": URL,
    },
    "PostalAddress": {"streetAddress": TEXT, "postalCode": TEXT, "addressCountry": TEXT},
    "ContactPoint": {"contactType": TEXT, "name": TEXT, "telephone": TEXT},
    "Person": {"@id": URL, "name": TEXT, "jobTitle": TEXT},
}
REQUIRED = {
    "GovernmentOrganization": {"name"},
    "PostalAddress": {"addressCountry"},
    "ContactPoint": {"contactType", "telephone"},
    "Person": {"name", "jobTitle"},
}


def json_ld(response):
    """The page's one JSON-LD document, parsed."""
    assert response.status_code == 200
    scripts = SCRIPT.findall(response.content.decode())
    assert len(scripts) == 1, f"expected one JSON-LD script, found {len(scripts)}"
    return json.loads(scripts[0])


def is_url(value):
    return isinstance(value, str) and re.match(r"^https?://[^\s/]+/\S*$", value) is not None


def schema_problems(node, path="$", top=True):
    """Why node is not a well-formed document of the allowed types and properties, if it isn't."""
    problems = []
    if not isinstance(node, dict):
        return [f"{path}: not an object"]
    if top:
        if node.get("@context") != "https://schema.org":
            problems.append(f"{path}: @context is {node.get('@context')!r}")
    elif "@context" in node:
        problems.append(f"{path}: nested @context")
    kind = node.get("@type")
    if kind not in ALLOWED_TYPES:
        return problems + [f"{path}: @type {kind!r} not in {sorted(ALLOWED_TYPES)}"]
    missing = REQUIRED[kind] - node.keys()
    if missing:
        problems.append(f"{path}: {kind} lacks {sorted(missing)}")
    for key, value in node.items():
        if key in ("@context", "@type"):
            continue
        expected = PROPERTIES[kind].get(key)
        where = f"{path}.{key}"
        if expected is None:
            problems.append(f"{where}: not a property this document uses on {kind}")
        elif expected == TEXT and not (isinstance(value, str) and value.strip()):
            problems.append(f"{where}: {value!r} is not text")
        elif expected == URL and not is_url(value):
            problems.append(f"{where}: {value!r} is not an absolute URL")
        elif expected == "urls" and not (isinstance(value, list) and all(map(is_url, value))):
            problems.append(f"{where}: {value!r} is not a list of URLs")
        elif expected == NODE:
            problems += schema_problems(value, where, top=False)
        elif expected == NODES:
            if not isinstance(value, list) or not value:
                problems.append(f"{where}: not a non-empty list")
            else:
                for index, item in enumerate(value):
                    problems += schema_problems(item, f"{where}[{index}]", top=False)
    return problems


def test_bcp47_language_tags():
    assert bcp47("en") == "en"
    assert bcp47("zh-hans") == "zh-Hans"


def test_english_structure_page_describes_the_department(client, seed):
    seed_page = read_seed_page()
    data = json_ld(client.get(EN_URL))
    page = "http://testserver" + EN_URL
    assert schema_problems(data) == []
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentOrganization"
    assert data["@id"] == page + "#organization"
    assert data["url"] == page
    assert data["name"] == seed_page.name
    assert data["alternateName"] == "浙江省公安厅"
    assert data["inLanguage"] == "en"
    # The introduction without "Its main responsibilities include:", which leads into the
    # page's list and would dangle here, then what the page says of the institutions (only
    # some of them, as the seed says) and units.
    assert seed_page.introduction.endswith(" Its main responsibilities include:")
    institutions = ", ".join(seed_page.institutions)
    units = ", ".join(f"the {unit}" for unit in seed_page.direct_units[:-1])
    assert data["description"] == (
        seed_page.introduction.removesuffix(" Its main responsibilities include:")
        + f" {seed_page.name} consists of institutions including {institutions}, etc."
        + f" {seed_page.name} has four directly affiliated units, including {units},"
        + f" and the {seed_page.direct_units[-1]},"
        + f" and manages the {seed_page.managed_units[0]}."
    )
    assert data["parentOrganization"] == {
        "@type": "GovernmentOrganization",
        "name": "People’s Government of Zhejiang Province",
    }
    names = [node["name"] for node in data["subOrganization"]]
    assert names == seed_page.institutions + seed_page.direct_units + seed_page.managed_units
    assert data["subOrganization"][0]["@id"] == page + "#institution-1"
    assert data["subOrganization"][22]["@id"] == page + "#unit-1"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "No. 66 Minsheng Road, Hangzhou",
        "addressCountry": "CN",
    }
    assert data["telephone"] == "0571-87286688"
    assert data["sameAs"] == ["http://gat.zj.gov.cn/"]
    assert data["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "contactType": "public inquiries",
            "name": "Public Telephone",
            "telephone": "0571-87286688",
        },
        {
            "@type": "ContactPoint",
            "contactType": "complaints",
            "name": "Complaint Telephone",
            "telephone": "0571-87286151",
        },
    ]
    for absent in ("email", "faxNumber", "employee", "logo"):
        assert absent not in data


def test_chinese_structure_page_describes_the_department_in_chinese(client, seed):
    data = json_ld(client.get(ZH_URL))
    page = "http://testserver" + ZH_URL
    assert schema_problems(data) == []
    assert data["@id"] == page + "#organization"
    assert data["url"] == page
    assert data["name"] == "浙江省公安厅"
    assert data["alternateName"] == "Department of Public Security of Zhejiang Province"
    assert data["inLanguage"] == "zh-Hans"
    expected = (
        "浙江省公安厅是浙江省人民政府组成部门，是全省公安工作的领导、指挥机关。"
        "浙江省公安厅设政治部、办公室、"
    )
    assert data["description"].startswith(expected)
    assert data["description"].endswith(
        "离退休干部处等内设机构。"
        "浙江省公安厅设省监狱、车辆管理所、高速公路交通警察总队、机场公安局等四个直属单位，"
        "管理省公安航空警察队。"
    )
    assert data["parentOrganization"]["name"] == "浙江省人民政府"
    names = [node["name"] for node in data["subOrganization"]]
    assert names[:2] == ["政治部", "办公室"]
    assert names[-5:] == [
        "省监狱",
        "车辆管理所",
        "高速公路交通警察总队",
        "机场公安局",
        "省公安航空警察队",
    ]
    assert data["address"]["streetAddress"] == "杭州市民生路66号"
    complaints = [point for point in data["contactPoint"] if point["contactType"] == "complaints"]
    assert complaints == [
        {
            "@type": "ContactPoint",
            "contactType": "complaints",
            "name": "投诉电话",
            "telephone": "0571-87286151",
        }
    ]


@pytest.mark.parametrize("url", [EN_URL, ZH_URL])
def test_fragment_identifiers_point_at_elements_of_the_page(client, seed, url):
    response = client.get(url)
    content = response.content.decode()
    data = json_ld(response)
    nodes = data["subOrganization"]
    assert len(nodes) == 27
    for node in nodes:
        page, fragment = node["@id"].split("#")
        assert page == "http://testserver" + url
        assert f'id="{fragment}"' in content, f"no element #{fragment} on the page"


def test_optional_properties_appear_when_the_department_has_them(
    client, make_department, republish
):
    draft = make_department("transport", publish_now=False)
    for kind, value in [
        ("email", "office@example.gov.cn"),
        ("fax", "0571-12345678"),
        ("postcode", "310000"),
        ("address", "1 Road"),
    ]:
        Contact.objects.create(department=draft, kind=kind, value_en=value)
    Leader.objects.create(
        department=draft,
        name_en="Li Ming",
        name_zh_hans="李明",
        post_en="Director",
        post_zh_hans="厅长",
    )
    # The file itself is not needed: only its address goes into the document.
    Department.objects.filter(pk=draft.pk).update(
        emblem="emblems/transport.png", emblem_width=96, emblem_height=96
    )
    republish(draft)

    data = json_ld(client.get("/en/government/structure/transport/"))
    page = "http://testserver/en/government/structure/transport/"
    assert schema_problems(data) == []
    assert data["email"] == "office@example.gov.cn"
    assert data["faxNumber"] == "0571-12345678"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 Road",
        "postalCode": "310000",
        "addressCountry": "CN",
    }
    assert data["employee"] == [
        {"@type": "Person", "@id": page + "#leader-1", "name": "Li Ming", "jobTitle": "Director"}
    ]
    assert data["logo"] == "http://testserver/media/emblems/transport.png"
    for absent in ("telephone", "contactPoint", "sameAs", "subOrganization"):
        assert absent not in data

    chinese = json_ld(client.get("/zh-hans/government/structure/transport/"))
    assert chinese["employee"][0]["name"] == "李明"
    assert chinese["employee"][0]["jobTitle"] == "厅长"


BREAKOUT = "</script><script>alert(1)</script>"


def test_names_cannot_end_the_script_early(client, make_department, republish):
    draft = make_department(
        "transport",
        publish_now=False,
        name_en=BREAKOUT,
        introduction_en="Tom & Jerry <!-- <script>",
    )
    Institution.objects.create(department=draft, name_en=BREAKOUT)
    AffiliatedUnit.objects.create(department=draft, name_en="]]></script>")
    republish(draft)

    response = client.get("/en/government/structure/transport/")
    content = response.content.decode()
    assert BREAKOUT not in content
    assert "alert(1)</script>" not in content
    head = content.split("</head>")[0]
    json_ld_text = SCRIPT.search(head).group(1)
    assert "<" not in json_ld_text and ">" not in json_ld_text and "&" not in json_ld_text
    data = json_ld(response)
    assert data["name"] == BREAKOUT
    assert data["description"] == (
        f"Tom & Jerry <!-- <script> {BREAKOUT} has one institution, {BREAKOUT}."
        f" {BREAKOUT} has one directly affiliated unit, the ]]></script>."
    )
    assert [node["name"] for node in data["subOrganization"]] == [BREAKOUT, "]]></script>"]
    assert schema_problems(data) == []


def test_draft_preview_describes_the_public_page(client, seed, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    data = json_ld(client.get(EN_URL + "preview/"))
    assert data["url"] == "http://testserver" + EN_URL


# Names as editors may type them: markup, entities, a comment, a trailing full stop.
AWKWARD_NAMES = ["A & B", "&amp; literally", "<b>Bold</b> Unit", "x <!-- y", "Co. Ltd."]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "direct, managed, direct_not_exhaustive",
    [(1, 0, False), (3, 2, False), (2, 1, True), (0, 2, False)],
)
def test_units_sentence_in_the_description_is_the_pages_sentence_as_text(
    make_department, language, direct, managed, direct_not_exhaustive
):
    """``as_text`` strips the sentence's own tags without an HTML parser: it must say what
    Django's strip_tags says, whatever the names hold."""
    draft = make_department(
        "transport",
        publish_now=False,
        name_en="Tom & Jerry's <Department>",
        directly_affiliated_units_not_exhaustive=direct_not_exhaustive,
    )
    relations = [AffiliatedUnit.Relation.DIRECTLY_AFFILIATED] * direct
    relations += [AffiliatedUnit.Relation.MANAGED] * managed
    for number, relation in enumerate(relations):
        name = AWKWARD_NAMES[number % len(AWKWARD_NAMES)]
        AffiliatedUnit.objects.create(
            department=draft, relation=relation, name_en=name, name_zh_hans=f"{name}中心"
        )
    publish(draft, update_date=False)

    with translation.override(language):
        publication = lookup.published("transport")
        page = StructurePage(publication.document, publication.government_names)
        sentence = page.units_sentence
    assert "<span" in sentence
    assert as_text(sentence) == html.unescape(strip_tags(sentence))
