"""schema.org structured data (JSON-LD) describing a department on its structure page.

``organization(page, request)`` builds the document as a plain dict from a
``departments.structure_page.StructurePage``; ``json_ld_script(data)`` renders it as a
``<script type="application/ld+json">`` element whose content cannot end the
script early, whatever editors typed (``<``, ``>`` and ``&`` become ``\\u003C``
and so on, as ``django.utils.html.json_script`` does).
"""

import json
import re
from html import unescape

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from contacts.models import ContactKind
from core.text import is_chinese

from .structure_page import institutions_sentence

SCHEMA_CONTEXT = "https://schema.org"

# What json_script escapes: nothing in the JSON can then close the <script> or
# open a comment. Applied with str.replace, which is some twenty times faster
# than str.translate on text with Chinese characters in it.
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))

# contactType of a telephone, by contact kind.
CONTACT_TYPES = {
    ContactKind.COMPLAINT_TELEPHONE: "complaints",
    ContactKind.TELEPHONE: "public inquiries",
}


# A tag of the sentences ``structure_page`` builds as HTML. They escape every text they
# hold, so each "<" in them opens a tag: what Django's strip_tags parses for, at a tenth
# of its cost.
OWN_TAG = re.compile(r"<[^>]*>")


def as_text(html):
    """The text of a sentence ``structure_page`` built as HTML (its names' anchors and
    escapes undone)."""
    return unescape(OWN_TAG.sub("", html))


def sentences(texts):
    """Sentences as one text: separated by a space in English, by nothing in Chinese."""
    separator = "" if is_chinese() else " "
    return separator.join(text for text in texts if text)


def bcp47(language_code):
    """Django's language code as a BCP 47 tag: "en", "zh-hans" → "zh-Hans"."""
    return translation.to_locale(language_code).replace("_", "-")


def organization(page, request):
    """The department of a ``StructurePage`` as a schema.org GovernmentOrganization.

    In the page's language, from its items. Fragment identifiers point at the
    elements of the structure page (``#institution-3``, ``#unit-2``,
    ``#leader-1``), so each node is addressable.
    """
    page_url = request.build_absolute_uri(page.url)
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "GovernmentOrganization",
        "@id": page_url + "#organization",
        "name": page.name,
    }
    alternate_names = page.alternate_names
    if alternate_names:
        data["alternateName"] = alternate_names[0] if len(alternate_names) == 1 else alternate_names
    data["url"] = page_url
    data["inLanguage"] = bcp47(page.language)
    # What the page says of the department: its introduction, then the sentences that name
    # its institutions and units (saying so when a list names only some of them).
    description = sentences([page.about, institutions_sentence(page), as_text(page.units_sentence)])
    if description:
        data["description"] = description
    data["parentOrganization"] = {
        "@type": "GovernmentOrganization",
        "name": page.government_name,
    }

    sub_organizations = [
        {
            "@type": "GovernmentOrganization",
            "@id": f"{page_url}#institution-{institution.number}",
            "name": institution.name,
        }
        for institution in page.institutions
    ]
    sub_organizations += [
        {
            "@type": "GovernmentOrganization",
            "@id": f"{page_url}#unit-{unit.number}",
            "name": unit.name,
            "description": unit.relation_label,
        }
        for unit in page.units
    ]
    if sub_organizations:
        data["subOrganization"] = sub_organizations

    address = page.contact(ContactKind.ADDRESS)
    postcode = page.contact(ContactKind.POSTCODE)
    if address or postcode:
        data["address"] = {"@type": "PostalAddress"}
        if address:
            data["address"]["streetAddress"] = address.value
        if postcode:
            data["address"]["postalCode"] = postcode.value
        data["address"]["addressCountry"] = "CN"

    simple = {
        "telephone": ContactKind.TELEPHONE,
        "faxNumber": ContactKind.FAX,
        "email": ContactKind.EMAIL,
    }
    for key, kind in simple.items():
        contact = page.contact(kind)
        if contact:
            data[key] = contact.value
    # ``url`` is this page; the department's own website identifies it too.
    websites = [contact.value for contact in page.contacts if contact.kind == ContactKind.WEBSITE]
    if websites:
        data["sameAs"] = websites

    contact_points = [
        {
            "@type": "ContactPoint",
            "contactType": CONTACT_TYPES[contact.kind],
            "name": contact.label,
            "telephone": contact.value,
        }
        for contact in page.contacts
        if contact.kind in CONTACT_TYPES
    ]
    if contact_points:
        data["contactPoint"] = contact_points

    leaders = [
        {
            "@type": "Person",
            "@id": f"{page_url}#leader-{leader.number}",
            "name": leader.name,
            "jobTitle": leader.post,
        }
        for leader in page.leaders
    ]
    if leaders:
        data["employee"] = leaders

    if page.emblem:
        data["logo"] = request.build_absolute_uri(default_storage.url(page.emblem.name))
    return data


def json_ld_script(data):
    """``<script type="application/ld+json">`` holding data, safe inside HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # escaped just above
    )


def department_json_ld(page, request):
    """The ``<script>`` of JSON-LD of a ``StructurePage``, for its template."""
    return json_ld_script(organization(page, request))
