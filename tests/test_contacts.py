import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact, ContactKind


@pytest.fixture
def department(make_department):
    return make_department()


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        (ContactKind.TELEPHONE, "not a number", "invalid_phone"),
        (ContactKind.COMPLAINT_TELEPHONE, "12", "invalid_phone"),
        (ContactKind.FAX, "fax me", "invalid_phone"),
        (ContactKind.EMAIL, "gat.zj.gov.cn", "invalid_email"),
        (ContactKind.WEBSITE, "gat.zj.gov.cn", "invalid_url"),
        (ContactKind.WEBSITE, "javascript:alert(1)", "invalid_url"),
        (ContactKind.POSTCODE, "3100", "invalid_postcode"),
    ],
)
def test_malformed_values_are_refused(department, kind, value, code):
    contact = Contact(department=department, kind=kind, value_en=value, value_zh_hans=value)
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert code in [e.code for e in error.value.error_dict["value_en"]]


def test_chinese_column_is_checked_too(department):
    contact = Contact(
        department=department,
        kind=ContactKind.TELEPHONE,
        value_en="0571-87286688",
        value_zh_hans="x",
    )
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "value_zh_hans" in error.value.error_dict


@pytest.mark.parametrize(
    ("kind", "value", "href"),
    [
        (ContactKind.TELEPHONE, "0571-87286688", "tel:057187286688"),
        (ContactKind.COMPLAINT_TELEPHONE, "+86 571 8728 6151", "tel:+8657187286151"),
        (ContactKind.EMAIL, "gat@zj.gov.cn", "mailto:gat@zj.gov.cn"),
        (ContactKind.WEBSITE, "https://gat.zj.gov.cn/", "https://gat.zj.gov.cn/"),
        (ContactKind.ADDRESS, "No. 66 Minsheng Road, Hangzhou", None),
        (ContactKind.FAX, "0571-87286000", None),
        (ContactKind.POSTCODE, "310009", None),
    ],
)
def test_each_kind_links_as_a_citizen_expects(department, kind, value, href):
    contact = Contact(department=department, kind=kind, value_en=value, value_zh_hans=value)
    contact.full_clean()
    assert contact.href == href


def test_label_defaults_to_the_kind_in_each_language(client, department, republish):
    department.contacts.create(kind=ContactKind.OFFICE_HOURS, value_en="Mon–Fri 9:00–17:00")
    republish(department)
    assert "Office hours:" in client.get(department.get_absolute_url()).content.decode()
    zh = client.get(f"/zh-hans/government/structure/{department.slug}/").content.decode()
    assert "办公时间：" in zh


def test_code_is_generated_when_left_empty(department):
    contact = department.contacts.create(kind=ContactKind.FAX, value_en="0571-87286000")
    assert len(contact.code) == 8
    other = department.contacts.create(kind=ContactKind.FAX, value_en="0571-87286001")
    assert other.code != contact.code
