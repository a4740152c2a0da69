"""The API described once (departments.api_schema): the served OpenAPI document is generated
from the models, every answer is a model's serialisation, the models' objects stay closed,
and the query parameters are read through the models, strictly."""

import copy

import jsonschema
import pytest
from pydantic import ValidationError
from pydantic.json_schema import GenerateJsonSchema

from departments import api_schema as schema
from tests.test_api import DETAIL, LIST, OPENAPI, response_schema, schema_validator

REFERENCE = "#/components/schemas/{model}"


class WithoutFieldTitles(GenerateJsonSchema):
    """Pydantic's JSON schema, but for the titles of properties (the document leaves them
    out: they would only repeat the property names)."""

    def field_title_should_be_set(self, schema):
        return False


@pytest.fixture
def served(client, db):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def model_schemas(model):
    """{component name: JSON schema} of a model and of every model it contains."""
    generated = model.model_json_schema(
        ref_template=REFERENCE, schema_generator=WithoutFieldTitles, mode="serialization"
    )
    nested = generated.pop("$defs", {})
    return {model.__name__: generated, **nested}


def test_component_schemas_are_those_of_the_models(served):
    components = served["components"]["schemas"]
    expected = {}
    for model in (schema.Department, schema.DepartmentList, schema.Error):
        expected.update(model_schemas(model))
    assert components == expected
    # The detail is the Department model, closed, with its objects behind references.
    detail = components["Department"]
    assert detail == model_schemas(schema.Department)["Department"]
    assert detail["additionalProperties"] is False
    assert detail["properties"]["leaders"]["items"] == {"$ref": "#/components/schemas/Leader"}


def test_query_parameters_are_those_of_the_query_models(served):
    operations = {
        operation["operationId"]: operation
        for path in served["paths"].values()
        for operation in path.values()
    }
    parameters = served["components"]["parameters"]

    def names(operation_id):
        return [
            parameters[item["$ref"].rsplit("/", 1)[1]]["name"]
            for item in operations[operation_id]["parameters"]
            if parameters[item["$ref"].rsplit("/", 1)[1]]["in"] == "query"
        ]

    assert names("listDepartments") == list(schema.ListQuery.model_fields)
    assert names("getDepartment") == list(schema.LanguageQuery.model_fields)
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": schema.MAX_PAGE_SIZE,
        "default": schema.DEFAULT_PAGE_SIZE,
    }
    assert parameters["kind"]["schema"] == {
        "type": "string",
        "enum": schema.models.DepartmentKind.values,
    }
    assert parameters["lang"]["schema"]["default"] == schema.DEFAULT_LANGUAGE
    assert not any(
        parameter["required"] for parameter in parameters.values() if parameter["in"] == "query"
    )


def object_schemas(node):
    """Every JSON schema of an object in ``node``, however deeply nested."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for value in node.values():
            yield from object_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from object_schemas(value)


def test_every_object_of_the_document_is_closed_with_every_property_required(served):
    objects = list(object_schemas(served["components"]["schemas"]))
    assert len(objects) == len(served["components"]["schemas"])
    for schema_ in objects:
        assert schema_["additionalProperties"] is False, schema_["title"]
        optional = set(schema_["properties"]) - set(schema_["required"])
        # The one property an answer may leave out: the parameter of an error about none.
        assert optional == ({"parameter"} if schema_["title"] == "ErrorDetail" else set())


@pytest.mark.parametrize(
    ("url", "tamper"),
    [
        (LIST, lambda data: data["results"][0].update(draft_name="Renamed")),
        (LIST, lambda data: data["results"][0]["government"].pop("name")),
        (LIST, lambda data: data["results"][0]["alternates"].update(fr="http://testserver/fr/")),
        (LIST, lambda data: data["results"][0]["kind"].pop("label")),
        (LIST, lambda data: data.pop("num_pages")),
        (DETAIL, lambda data: data["contacts"][0]["kind"].update(code="pager")),
        (DETAIL, lambda data: data["institutions"][0].pop("handles_routine_work_of")),
        (DETAIL, lambda data: data["affiliated_units"][0]["relation"].update(note="x")),
        (LIST + "?page=0", lambda data: data["error"].update(hint="use 1")),
        (LIST + "?page=0", lambda data: data["error"].pop("message")),
    ],
)
def test_an_answer_with_a_field_added_or_missing_fails_against_the_served_document(
    client, seed, served, url, tamper
):
    response = client.get(url)
    validator = schema_validator(served, response_schema(served, url, response.status_code))
    data = response.json()
    validator.validate(data)
    tampered = copy.deepcopy(data)
    tamper(tampered)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(tampered)


@pytest.mark.parametrize(
    ("url", "model"),
    [
        (DETAIL, schema.Department),
        (DETAIL + "?lang=zh-hans", schema.Department),
        (LIST, schema.DepartmentList),
        (LIST + "?kind=bogus", schema.Error),
    ],
)
def test_every_answer_is_the_serialisation_of_its_model(client, seed, url, model):
    data = client.get(url).json()
    assert (
        model.model_validate(data).model_dump(mode="json", exclude_none=model is schema.Error)
        == data
    )
    # A view cannot add a field the model lacks, nor leave one out.
    with pytest.raises(ValidationError):
        model.model_validate({**data, "secret": "draft text"})
    missing = dict(data)
    missing.popitem()
    with pytest.raises(ValidationError):
        model.model_validate(missing)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        # Values pydantic's lax mode would read as numbers, which the document does not allow.
        ("?page=+2", "page"),
        ("?page=%202", "page"),
        ("?page=2%20", "page"),
        ("?page_size=1_0", "page_size"),
        ("?page_size=10.0", "page_size"),
        ("?page=%EF%BC%92", "page"),  # a full-width 2
        # The first parameter refused is named, in the order of the query model.
        ("?page_size=0&kind=bogus&lang=fr", "lang"),
        ("?page_size=0&page=0", "page"),
    ],
)
def test_only_plain_values_are_read(client, seed, query, parameter):
    response = client.get(LIST + query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert f"“{parameter}”" in error["message"]
