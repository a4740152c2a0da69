import re

import pytest
from django.contrib.auth import get_user_model

from departments.models import Department, Institution
from tests.admin_forms import form_data
from tests.conftest import page_text

CHANGE_URL = "/admin/departments/department/{}/change/"
PUBLISH_URL = "/admin/departments/department/{}/publish/"
PUBLIC_URL = "/en/government/structure/public-security/"


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def change_page(staff_client, department):
    response = staff_client.get(CHANGE_URL.format(department.pk))
    assert response.status_code == 200
    return response


def test_change_page_edits_everything_on_the_public_page(staff_client, seed):
    content = change_page(staff_client, seed).content.decode()
    for prefix in ["responsibilities", "institutions", "affiliated_units", "contacts"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in content
    for field in ["name_en", "name_zh_hans", "introduction_en", "introduction_zh_hans"]:
        assert f'name="{field}"' in content
    assert 'name="responsibilities-0-text_zh_hans"' in content
    assert 'name="institutions-0-routine_work_handled_by"' in content


def test_change_page_loads_every_asset_from_our_own_static_files(staff_client, seed):
    content = change_page(staff_client, seed).content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+\.(?:js|css))"', content)
    assert any(source.endswith("jquery-ui/jquery-ui.min.js") for source in sources)
    assert any("tabbed_translation_fields.js" in source for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
    assert "googleapis" not in content and "cdn" not in content.lower()


def test_jquery_ui_is_served(staff_client, seed):
    response = staff_client.get("/static/jquery-ui/jquery-ui.min.js")
    assert response.status_code == 200
    assert b"jQuery UI" in b"".join(response.streaming_content)[:200]


def test_reordering_a_responsibility_in_the_admin_reorders_the_public_page(
    staff_client, client, seed
):
    data = form_data(change_page(staff_client, seed))
    total = int(data["responsibilities-TOTAL_FORMS"])
    assert total == 16
    # Move the last responsibility to the top, as dragging it there would.
    for index in range(total):
        data[f"responsibilities-{index}-sort_order"] = str(index + 2)
    data["responsibilities-15-sort_order"] = "1"
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 302, page_text(response)[:2000]
    assert staff_client.post(PUBLISH_URL.format(seed.pk), {"update_date": "on"}).status_code == 302
    text = page_text(client.get(PUBLIC_URL))
    assert "(1) Completing other tasks assigned by the Provincial Party Committee" in text
    assert "(2) Drafting local laws and regulations" in text


def test_publishing_a_saved_draft_changes_the_public_page_on_the_next_request(
    staff_client, client, seed
):
    data = form_data(change_page(staff_client, seed))
    data["name_en"] = "Department of Public Security (renamed)"
    data["name_zh_hans"] = "浙江省公安厅（新）"
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 302
    assert "(renamed)" not in client.get(PUBLIC_URL).content.decode()
    assert staff_client.post(PUBLISH_URL.format(seed.pk), {}).status_code == 302
    assert (
        "<h1>Department of Public Security (renamed)</h1>"
        in client.get(PUBLIC_URL).content.decode()
    )
    zh = client.get("/zh-hans/government/structure/public-security/").content.decode()
    assert "<h1>浙江省公安厅（新）</h1>" in zh


def test_invalid_telephone_is_refused_and_nothing_is_saved(staff_client, client, seed):
    data = form_data(change_page(staff_client, seed))
    data["name_en"] = "Should not be saved"
    phone_index = next(index for index in range(4) if data[f"contacts-{index}-kind"] == "telephone")
    data[f"contacts-{phone_index}-value_en"] = "call us maybe"
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 200
    assert "Enter a telephone number such as 0571-87286688." in response.content.decode()
    assert Department.objects.get(pk=seed.pk).name_en != "Should not be saved"


def test_handler_of_routine_work_must_belong_to_the_same_department(
    staff_client, seed, make_department
):
    other = make_department("other")
    foreign = Institution.objects.create(department=other, name_en="Foreign Office")
    data = form_data(change_page(staff_client, seed))
    data["institutions-0-routine_work_handled_by"] = [str(foreign.pk)]
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    content = change_page(staff_client, seed).content.decode()
    assert "Foreign Office" not in content


def test_department_list_has_search_and_filters(staff_client, seed, make_department):
    make_department(
        "statistics", kind="affiliated", name_en="Statistics Bureau", name_zh_hans="统计局"
    )
    response = staff_client.get("/admin/departments/department/", {"q": "公安"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Department of Public Security of Zhejiang Province" in content
    assert "Statistics Bureau" not in content
    response = staff_client.get("/admin/departments/department/", {"kind__exact": "affiliated"})
    content = response.content.decode()
    assert "Statistics Bureau" in content
    assert "Department of Public Security of Zhejiang Province" not in content


def test_anonymous_visitors_cannot_open_the_admin(client, seed):
    response = client.get(CHANGE_URL.format(seed.pk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# New rows of every inline, as an editor adds them with "Add another", codes left empty.
NEW_ROWS = {
    "responsibilities": [
        {"text_en": f"New duty {number}", "text_zh_hans": f"新职责{number}"} for number in (1, 2, 3)
    ],
    "institutions": [
        {"name_en": f"New Office {number}", "name_zh_hans": f"新处室{number}"}
        for number in (1, 2, 3)
    ],
    "affiliated_units": [
        {
            "name_en": f"New Unit {number}",
            "name_zh_hans": f"新单位{number}",
            "relation": "managed",
        }
        for number in (1, 2)
    ],
    "leaders": [
        {
            "name_en": f"Leader {number}",
            "name_zh_hans": f"领导{number}",
            "post_en": "Deputy",
            "post_zh_hans": "副厅长",
        }
        for number in (1, 2)
    ],
    "contacts": [
        {"kind": "telephone", "label_en": "Hotline", "value_en": "0571-87286688"},
        {"kind": "email", "label_en": "Mail", "value_en": "mail@example.org"},
    ],
}


def with_new_rows(data, department, rows_by_prefix, code=""):
    """The form data with the rows appended to each inline, as "Add another" would."""
    data = dict(data)
    for prefix, rows in rows_by_prefix.items():
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        for offset, row in enumerate(rows):
            index = total + offset
            for name, value in data.items():
                if name.startswith(f"{prefix}-__prefix__-"):
                    field = name.removeprefix(f"{prefix}-__prefix__-")
                    data = {**data, f"{prefix}-{index}-{field}": value}
            data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
            data[f"{prefix}-{index}-department"] = str(department.pk)
            data[f"{prefix}-{index}-code"] = code
        data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def test_several_new_rows_with_empty_codes_save_in_one_go(staff_client, seed):
    before = {prefix: getattr(seed, prefix).count() for prefix in NEW_ROWS}
    data = with_new_rows(form_data(change_page(staff_client, seed)), seed, NEW_ROWS)
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 302, [
        (inline.formset.prefix, inline.formset.errors, inline.formset.non_form_errors())
        for inline in response.context["inline_admin_formsets"]
        if not inline.formset.is_valid()
    ]
    for prefix, rows in NEW_ROWS.items():
        children = getattr(seed, prefix)
        assert children.count() == before[prefix] + len(rows), prefix
        codes = list(children.values_list("code", flat=True))
        assert all(codes) and len(set(codes)) == len(codes), (prefix, codes)
    responsibilities = list(seed.responsibilities.values_list("text_en", flat=True))
    assert responsibilities[-3:] == ["New duty 1", "New duty 2", "New duty 3"]


def test_two_new_rows_with_the_same_code_are_refused(staff_client, seed):
    rows = {"institutions": NEW_ROWS["institutions"][:2]}
    data = with_new_rows(form_data(change_page(staff_client, seed)), seed, rows, code="twins")
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for code" in response.content.decode()
    assert not seed.institutions.filter(code="twins").exists()


def test_a_new_row_with_an_existing_code_is_refused(staff_client, seed):
    existing = seed.institutions.first().code
    rows = {"institutions": NEW_ROWS["institutions"][:1]}
    data = with_new_rows(form_data(change_page(staff_client, seed)), seed, rows, code=existing)
    response = staff_client.post(CHANGE_URL.format(seed.pk), data)
    assert response.status_code == 200
    assert seed.institutions.filter(code=existing).count() == 1


def slug_errors(response):
    """The errors shown at the slug field of the change form."""
    content = response.content.decode()
    row = re.search(r'<div class="[^"]*field-slug[^"]*">(.*?)</div>\s*</div>', content, re.S)
    assert row, "no slug row"
    return page_text_of(row.group(1))


def page_text_of(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_a_slug_another_department_uses_is_a_form_error(staff_client, seed, make_department):
    other = make_department("transport")
    data = form_data(change_page(staff_client, other))
    data["slug"] = "public-security"
    response = staff_client.post(CHANGE_URL.format(other.pk), data)
    assert response.status_code == 200
    assert "public-security" in slug_errors(response)
    assert "Department of Public Security of Zhejiang Province" in slug_errors(response)
    assert Department.objects.get(pk=other.pk).slug == "transport"


def test_a_new_department_with_a_taken_slug_is_a_form_error(staff_client, seed):
    data = form_data(staff_client.get("/admin/departments/department/add/"))
    data.update(
        name_en="Another Department",
        name_zh_hans="另一个厅",
        slug="public-security",
        government=str(seed.government_id),
    )
    response = staff_client.post("/admin/departments/department/add/", data)
    assert response.status_code == 200
    assert "Department of Public Security of Zhejiang Province" in slug_errors(response)


def test_an_address_another_department_publication_holds_is_a_form_error(
    staff_client, seed, make_department
):
    seed.slug = "public-safety"
    seed.save()
    other = make_department("transport")
    data = form_data(change_page(staff_client, other))
    data["slug"] = "public-security"
    response = staff_client.post(CHANGE_URL.format(other.pk), data)
    assert response.status_code == 200
    errors = slug_errors(response)
    assert "public-security" in errors and "Department of Public Security" in errors
    # Its own address, which its publication still holds, stays its to take back.
    data = form_data(change_page(staff_client, seed))
    data["slug"] = "public-security"
    assert staff_client.post(CHANGE_URL.format(seed.pk), data).status_code == 302
