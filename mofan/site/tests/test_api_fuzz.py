"""Property-based test of the whole API (schemathesis against the OpenAPI document, through
the WSGI app): for every operation, with a committee admin's and a branch secretary's token,
no answer is a 5xx and every answer matches its documented schema.

A few examples per operation keep `make test` quick; `make fuzz` runs thousands
(MOFAN_FUZZ_EXAMPLES sets the number per operation)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from mofan.accounts.services import token_create
from mofan.core.access import SYSTEM
from mofan.site.api import api

EXAMPLES = int(os.environ.get("MOFAN_FUZZ_EXAMPLES", "2"))
# The coverage phase sends dozens of boundary cases per operation whatever max_examples says:
# on for the long run only.
config = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": EXAMPLES > 10}, "stateful": {"enabled": False}}}
)
# The document itself needs a login: take it from the API object, call through the WSGI app.
schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(path_prefix="/api/v1/"), config=config
)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app closes the database connection at the end of each request (as in
    production); Django's own test client switches that off, schemathesis's does not, and on
    PostgreSQL closing it would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["committee_admin", "secretary"])
def bearer(request, tree, users):
    _, plain = token_create(actor=SYSTEM, user=getattr(users, request.param), name="fuzz")
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None)
def test_no_operation_answers_5xx_or_off_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
