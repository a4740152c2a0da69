"""The OpenAPI 3.1 document of the open-data API, served at ``/api/v1/openapi.json``,
generated from the models of ``departments.api_schema``: ``components/schemas`` are their
JSON schemas, ``components/parameters`` the fields of the query models. What the models
cannot say (addresses, status codes, headers, the API's description) is written here.
"""

import functools

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from .api_schema import Department, DepartmentList, Error, LanguageQuery, ListQuery, Slug

SCHEMAS = "#/components/schemas/"


class DocumentSchema(GenerateJsonSchema):
    """JSON schemas as the document shows them: a property's title would only repeat its
    name."""

    def field_title_should_be_set(self, schema):
        return False


ANSWERS = (DepartmentList, Department, Error)
QUERIES = {"listDepartments": ListQuery, "getDepartment": LanguageQuery}


def component_schemas():
    """``components/schemas``: every answer and every object in it, by model name."""
    _keys, schemas = models_json_schema(
        [(model, "serialization") for model in ANSWERS],
        ref_template=SCHEMAS + "{model}",
        schema_generator=DocumentSchema,
    )
    return schemas["$defs"]


def query_parameters(query):
    """The OpenAPI parameter objects of a query model's fields, by name."""
    properties = query.model_json_schema(schema_generator=DocumentSchema)["properties"]
    parameters = {}
    for name, field in query.model_fields.items():
        schema = dict(properties[name])
        description = schema.pop("description")
        parameters[name] = {
            "name": name,
            "in": "query",
            "required": field.is_required(),
            "description": description,
            "schema": schema,
        }
    return parameters


def path_parameters():
    return {
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "description": "The department's slug, as in its page's address.",
            "schema": TypeAdapter(Slug).json_schema(),
            # The seed's department, published on every fresh install.
            "example": "public-security",
        }
    }


def ref(name):
    return {"$ref": SCHEMAS + name}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def error_response(description, with_allow=False, with_retry_after=False):
    headers = {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}}
    if with_allow:
        headers["Allow"] = {"$ref": "#/components/headers/Allow"}
    if with_retry_after:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return {"description": description, "content": json_content(ref("Error")), "headers": headers}


def ok_response(description, schema):
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}},
        "content": json_content(schema),
    }


def parameter_refs(*names):
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def operation(operation_id, summary, answer, answer_description, not_found, path=()):
    """A GET operation answering ``answer`` (a model), reading ``QUERIES[operation_id]``."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameter_refs(*path, *QUERIES[operation_id].model_fields),
        "responses": {
            "200": ok_response(answer_description, ref(answer.__name__)),
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": error_response(not_found),
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "503": {"$ref": "#/components/responses/ServiceUnavailable"},
        },
    }


@functools.cache
def openapi_document():
    """The whole document, as a dict ready for JSON (built once: it depends on code only)."""
    list_departments = operation(
        "listDepartments",
        "Published departments, a page at a time",
        DepartmentList,
        "One page of departments.",
        "There is no such page: `page` is after the last page, which the message names; "
        "`parameter` is `page`.",
    )
    list_departments["description"] = "In the order of the directory page."
    parameters = path_parameters()
    for query in QUERIES.values():
        parameters.update(query_parameters(query))
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
            "/departments/": {"get": list_departments},
            "/departments/{slug}/": {
                "get": operation(
                    "getDepartment",
                    "Every fact of one department's structure page",
                    Department,
                    "The department.",
                    "No published department has this slug.",
                    path=["slug"],
                )
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document",
                    "responses": {
                        "200": ok_response("The OpenAPI document.", {"type": "object"}),
                        "405": {"$ref": "#/components/responses/MethodNotAllowed"},
                    },
                }
            },
        },
        "components": {
            "schemas": component_schemas(),
            "parameters": parameters,
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
                    "schema": {"type": "string", "enum": ["*"]},
                },
                "Allow": {
                    "description": "The methods allowed: `GET, HEAD`.",
                    "schema": {"type": "string"},
                },
                "RetryAfter": {
                    "description": "Seconds to wait before asking again.",
                    "schema": {"type": "string"},
                },
            },
        },
    }
