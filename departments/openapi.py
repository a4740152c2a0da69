"""The OpenAPI 3.1 document of the open-data API, served at ``/api/v1/openapi.json``.

Built in code so that its vocabularies (languages, kinds of department,
relations of units, kinds of contact, page sizes) come from the same
definitions as the responses and cannot drift from them. Every object schema
lists all its properties as required and forbids others, so that
``tests/test_api.py``, which validates real responses against this document,
fails on any field added, renamed or dropped on one side only. The document
is in English, like the codes it describes.
"""

from contacts.models import ContactKind

from . import api
from .models import AffiliatedUnit, DepartmentKind

SCHEMAS = "#/components/schemas/"
DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"
URL_PATTERN = r"^https?://"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def ref(name):
    return {"$ref": SCHEMAS + name}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def string(description=None, **keywords):
    schema = {"type": "string", **keywords}
    if description:
        schema["description"] = description
    return schema


def url(description):
    return string(description, format="uri", pattern=URL_PATTERN)


def date_time(description):
    return string(description, format="date-time", pattern=DATE_TIME_PATTERN)


def anchor(prefix, description):
    return string(description, pattern=rf"^{prefix}-[1-9][0-9]*$")


def whole_number(description, minimum=0):
    return {"type": "integer", "minimum": minimum, "description": description}


def closed_object(description, properties, optional=()):
    """An object with exactly these properties; all are required except ``optional``."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def coded(choices, description):
    """{"code", "label"} of a fixed vocabulary."""
    return closed_object(
        description,
        {
            "code": string("Stable code, the same in every language.", enum=list(choices.values)),
            "label": string("Name of the code in the response's language."),
        },
    )


def list_of(schema, description):
    return {"type": "array", "items": schema, "description": description}


def summary_properties():
    return {
        "slug": string("Stable identifier; also part of the page's address.", pattern=SLUG_PATTERN),
        "name": string("Name of the department."),
        "kind": coded(DepartmentKind, "Place of the department in the government's structure."),
        "government": closed_object(
            "The government the department belongs to.",
            {"slug": string(pattern=SLUG_PATTERN), "name": string()},
        ),
        "url": url("The department's structure page in the response's language."),
        "alternates": closed_object(
            "The structure page in every language, by language code.",
            {code: url(f"The structure page in {code}.") for code in api.LANGUAGE_CODES},
        ),
        "api_url": url("This department in this API, in the response's language."),
        "published_at": date_time("The page's date, in Beijing time (+08:00)."),
        "updated_at": date_time(
            "When the publication now shown went live, in Beijing time (+08:00)."
        ),
    }


def schemas():
    summary = summary_properties()
    return {
        "Error": closed_object(
            "What went wrong.",
            {
                "error": closed_object(
                    "The error.",
                    {
                        "code": string(
                            "Machine-readable reason.",
                            enum=[
                                "invalid_parameter",
                                "not_found",
                                "method_not_allowed",
                                "service_unavailable",
                            ],
                        ),
                        "message": string("Explanation for people, naming the parameter."),
                        "parameter": string(
                            "The query parameter that was refused (invalid_parameter), or that "
                            "names a page that does not exist (not_found).",
                            enum=list(api.PARAMETERS),
                        ),
                    },
                    optional=("parameter",),
                )
            },
        ),
        "DepartmentSummary": closed_object("A published department, as listed.", summary),
        "DepartmentList": closed_object(
            "One page of published departments, in directory order.",
            {
                "count": whole_number("Departments on all pages together."),
                "page": whole_number("This page's number.", minimum=1),
                "page_size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": api.MAX_PAGE_SIZE,
                    "description": "Departments per page.",
                },
                "num_pages": whole_number("Number of pages (1 when there is none).", minimum=1),
                "next": nullable(url("The next page, or null on the last.")),
                "previous": nullable(url("The previous page, or null on the first.")),
                "lang": string("Language of the response.", enum=api.LANGUAGE_CODES),
                "results": list_of(ref("DepartmentSummary"), "The departments of this page."),
            },
        ),
        "Department": closed_object(
            "Every fact of a published department's structure page.",
            {
                "lang": string("Language of the response.", enum=api.LANGUAGE_CODES),
                **summary,
                "introduction": string("What the department is; paragraphs separated by \\n."),
                "emblem": nullable(ref("Image")),
                "responsibilities": list_of(ref("Responsibility"), "Numbered, in page order."),
                "institutions": list_of(ref("Institution"), "Internal institutions in page order."),
                "affiliated_units": list_of(ref("AffiliatedUnit"), "In page order."),
                "directly_affiliated_count": whole_number("Directly affiliated units."),
                "managed_count": whole_number("Units the department manages."),
                "leaders": list_of(ref("Leader"), "In page order."),
                "contacts": list_of(ref("Contact"), "In page order."),
            },
        ),
        "Responsibility": closed_object(
            "One of the department's main responsibilities.",
            {
                "number": whole_number("Its number on the page, from 1.", minimum=1),
                "anchor": anchor("responsibility", "Fragment of the item on the page."),
                "code": string("Stable identifier within the department.", pattern=SLUG_PATTERN),
                "text": string(),
            },
        ),
        "Institution": closed_object(
            "An internal institution (division, office or bureau).",
            {
                "number": whole_number("Its position on the page, from 1.", minimum=1),
                "anchor": anchor("institution", "Fragment of the item on the page."),
                "code": string("Stable identifier within the department.", pattern=SLUG_PATTERN),
                "name": string(),
                "full_name": string("Name used in sentences; the name when there is no other."),
                "routine_work_handled_by": list_of(
                    string(pattern=SLUG_PATTERN),
                    "Codes of the institutions that handle its routine work, in page order.",
                ),
                "handles_routine_work_of": list_of(
                    string(pattern=SLUG_PATTERN),
                    "Codes of the institutions whose routine work it handles, in page order.",
                ),
            },
        ),
        "AffiliatedUnit": closed_object(
            "A unit outside the department that it directly governs or manages.",
            {
                "anchor": anchor("unit", "Fragment of the unit's name on the page."),
                "code": string("Stable identifier within the department.", pattern=SLUG_PATTERN),
                "name": string(),
                "relation": coded(AffiliatedUnit.Relation, "How the unit relates to it."),
            },
        ),
        "Leader": closed_object(
            "A leader of the department.",
            {
                "anchor": anchor("leader", "Fragment of the leader on the page."),
                "code": string("Stable identifier within the department.", pattern=SLUG_PATTERN),
                "name": string(),
                "post": string(),
                "duties": string("Areas of responsibility; may be empty."),
                "biography": string("Short CV; may be empty."),
                "photo": nullable(ref("Image")),
            },
        ),
        "Image": closed_object(
            "An image in the sizes the page serves: WebP, with JPEG for older browsers.",
            {
                "src": url("The largest JPEG rendition."),
                "srcset_webp": string("WebP renditions, as an HTML srcset."),
                "srcset_jpeg": string("JPEG renditions, as an HTML srcset."),
                "width": whole_number("Width of src in pixels.", minimum=1),
                "height": whole_number("Height of src in pixels.", minimum=1),
                "alt": string("Text that replaces the image for those who cannot see it."),
            },
        ),
        "Contact": closed_object(
            "One way to reach the department.",
            {
                "anchor": string("Fragment of the item on the page.", pattern=r"^contact-"),
                "code": string("Stable identifier within the department.", pattern=SLUG_PATTERN),
                "kind": coded(ContactKind, "What the value is."),
                "label": string("Shown before the value; the kind's name when none is given."),
                "value": string(),
                "href": nullable(
                    string(
                        "Link to follow: tel: for telephones, mailto: for email, the "
                        "address for websites; null for text.",
                        pattern=r"^(tel:|mailto:|https?://)",
                    )
                ),
            },
        ),
    }


def parameters():
    return {
        "lang": {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "Language of names, texts and links; the default when left out.",
            "schema": string(enum=api.LANGUAGE_CODES, default=api.DEFAULT_LANGUAGE),
        },
        "kind": {
            "name": "kind",
            "in": "query",
            "required": False,
            "description": "Only departments of this kind. Without it, every kind.",
            "schema": string(enum=list(DepartmentKind.values)),
        },
        "page": {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "Page number; a page after the last one answers 404.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        "page_size": {
            "name": "page_size",
            "in": "query",
            "required": False,
            "description": (
                f"Departments per page; more than {api.MAX_PAGE_SIZE} is refused with 400 "
                "(never silently reduced)."
            ),
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": api.MAX_PAGE_SIZE,
                "default": api.DEFAULT_PAGE_SIZE,
            },
        },
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "description": "The department's slug, as in its page's address.",
            "schema": string(pattern=SLUG_PATTERN),
            # The seed's department, published on every fresh install.
            "example": "public-security",
        },
    }


def json_content(schema):
    return {"application/json": {"schema": schema}}


def error_response(description, with_allow=False, with_retry_after=False):
    response = {"description": description, "content": json_content(ref("Error"))}
    headers = {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}}
    if with_allow:
        headers["Allow"] = {"$ref": "#/components/headers/Allow"}
    if with_retry_after:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    response["headers"] = headers
    return response


def ok_response(description, schema):
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}},
        "content": json_content(schema),
    }


def parameter_refs(*names):
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def openapi_document():
    """The whole document, as a dict ready for JSON."""
    bad_request = {"$ref": "#/components/responses/BadRequest"}
    not_allowed = {"$ref": "#/components/responses/MethodNotAllowed"}
    unavailable = {"$ref": "#/components/responses/ServiceUnavailable"}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Government structure open-data API",
            "version": "1.0.0",
            "description": (
                "The published structure pages of the government's departments, as JSON: "
                "responsibilities, internal institutions and who handles whose routine work, "
                "affiliated units, leaders, contacts and dates. Read-only (GET and HEAD), "
                "no key needed, open to every origin (CORS). Only published content appears: "
                "drafts and withdrawn departments do not exist here. Each response is in one "
                "language, chosen with `lang`. Errors are JSON with a machine-readable code."
            ),
        },
        "servers": [{"url": "/api/v1", "description": "This site."}],
        "paths": {
            "/departments/": {
                "get": {
                    "operationId": "listDepartments",
                    "summary": "Published departments, a page at a time",
                    "description": "In the order of the directory page.",
                    "parameters": parameter_refs("lang", "kind", "page", "page_size"),
                    "responses": {
                        "200": ok_response("One page of departments.", ref("DepartmentList")),
                        "400": bad_request,
                        "404": error_response(
                            "There is no such page: `page` is after the last page, which the "
                            "message names; `parameter` is `page`."
                        ),
                        "405": not_allowed,
                        "503": unavailable,
                    },
                }
            },
            "/departments/{slug}/": {
                "get": {
                    "operationId": "getDepartment",
                    "summary": "Every fact of one department's structure page",
                    "parameters": parameter_refs("slug", "lang"),
                    "responses": {
                        "200": ok_response("The department.", ref("Department")),
                        "400": bad_request,
                        "404": error_response("No published department has this slug."),
                        "405": not_allowed,
                        "503": unavailable,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document",
                    "responses": {
                        "200": ok_response("The OpenAPI document.", {"type": "object"}),
                        "405": not_allowed,
                    },
                }
            },
        },
        "components": {
            "schemas": schemas(),
            "parameters": parameters(),
            "responses": {
                "BadRequest": error_response(
                    "A parameter has a value it does not accept (an empty value too: leave out "
                    "a parameter to get its default); `parameter` names it."
                ),
                "MethodNotAllowed": error_response("Only GET and HEAD are allowed.", True),
                "ServiceUnavailable": error_response(
                    "The data cannot be read at the moment (the database does not answer); "
                    "ask again after `Retry-After` seconds.",
                    with_retry_after=True,
                ),
            },
            "headers": {
                "AllowOrigin": {
                    "description": "Always `*`: any site may read the data.",
                    "schema": string(enum=["*"]),
                },
                "Allow": {
                    "description": "The methods allowed: `GET, HEAD`.",
                    "schema": string(),
                },
                "RetryAfter": {
                    "description": "Seconds to wait before asking again.",
                    "schema": string(),
                },
            },
        },
    }
