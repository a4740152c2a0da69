"""schemathesis against the API's OpenAPI document: every answer is one the document promises.

For each operation of ``/api/v1/openapi.json``, schemathesis sends the application (in
process, through its WSGI client: no server, no network) requests it derives from the
document: the document's examples, boundary values of every parameter, then generated
ones. Valid requests must be accepted; invalid ones (a value outside an enum, an empty
value, a page number below 1, a slug the pattern refuses, another method) must be refused
with 4xx. Every answer must have a documented status code, a JSON content type, the
documented headers and a body that the document's schema accepts; never a 5xx.

Reproducible and bounded: the examples derive from a fixed seed (``derandomize``), at most
``max_examples`` generated per operation, about two hundred requests in all, on the
published seed content.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from departments.api_document import openapi_document

OPENAPI = "/api/v1/openapi.json"
APPLICATION = get_wsgi_application()

# The document as the application serves it (test_the_served_document_is_the_one_tested
# checks that). It is read here, when pytest collects the tests, because that is when
# schemathesis needs it; the served one cannot be read yet (its page reads the database,
# which pytest-django opens only for a test), and the lazy loader meant for that,
# schemathesis.pytest.from_fixture, fails on pytest 9.2 (it sets Node._nodeid, gone).
schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_served_document_is_the_one_tested(client, db):
    served = client.get(OPENAPI).json()
    assert served == json.loads(json.dumps(openapi_document()))


@pytest.fixture
def connection_kept_open():
    """Each request leaves the database connection open, as in Django's test client.

    The application closes it after every request (``close_old_connections``); on
    PostgreSQL that would end the test's transaction, and the seed with it.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    # Nothing to remember between runs: the same examples every time.
    database=None,
    # The first request of an operation renders its page for the page cache; the same
    # seed content serves every example of the test.
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_documented(case, seed, connection_kept_open):
    # Every check schemathesis has: status code documented, content type, headers and body
    # conform, valid data accepted, invalid data and other methods refused, no 5xx.
    case.call_and_validate(app=APPLICATION)
