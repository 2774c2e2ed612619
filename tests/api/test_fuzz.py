"""Schemathesis against the OpenAPI schemas of both APIs: no 5xx and no answer that breaks the schema.

Bounded here (FUZZ_EXAMPLES, default 15 per operation); `make fuzz` runs it with far more examples.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from maatwerk.accounts.models import Role
from maatwerk.api.api import api as internal_api
from maatwerk.portal.api import api as public_api

from ..helpers import make_user

pytestmark = pytest.mark.fuzz  # left out of `make test-fast`

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"  # make fuzz explores; make test replays the same examples
CHECKS = [not_a_server_error, response_schema_conformance]
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # same value in cookie and header passes Django's CSRF check

internal = schemathesis.openapi.from_dict(internal_api.get_openapi_schema())
internal.app = get_wsgi_application()
public = schemathesis.openapi.from_dict(public_api.get_openapi_schema())
public.app = internal.app


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The raw WSGI app closes the database connection after each request (request_finished), which
    would end the test's transaction on PostgreSQL; Django's own test client detaches that handler too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookie(demo, client):
    client.force_login(make_user("fuzz", Role.PROGRAMME))
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@internal.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=not RANDOM)
def test_internal_api(case, session_cookie):
    case.call_and_validate(cookies=session_cookie, headers={"X-CSRFToken": CSRF}, checks=CHECKS)


@public.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=not RANDOM)
def test_public_api(case, demo):
    case.call_and_validate(checks=CHECKS)
