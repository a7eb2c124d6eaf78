"""Schemathesis runs the OpenAPI document against the live server: no 500, no response that
breaks the document (status codes, content types, schemas), for an agent and an end user."""
import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from portal.api.tokens import create_token
from portal.extensions import db

from .conftest import basic, end_test_transaction
from portal.actor import Actor

EXAMPLES_PER_OPERATION = 12
# Every other built-in check runs (no 500, status codes, content types, response schemas, auth).
# These two judge how strict the document is, not the server: a schema cannot state the business
# rules (a field the chosen form requires, a blank subject: 422 with a message), and the API, like
# Zendesk's, ignores what it does not use (an empty filter, an unknown key).
LENIENCY_CHECKS = [positive_data_acceptance, negative_data_rejection]


def _seed_requests(world):
    from portal.tickets.services import create_request

    for person in (world.user, world.agent):
        create_request(world.brand, world.general, person, Actor.itself(person), "Printer jams", "On floor 2.",
                       {world.category.id: "hardware"})


@pytest.mark.parametrize("who", ["agent", "user"])
def test_the_openapi_document_holds_against_the_server(app, world, live_server, who):
    # Schemathesis also sends wrong credentials on purpose; the sign-in throttle is tested elsewhere.
    app.config.update(SIGNIN_MAX_FAILURES=10_000, SIGNIN_MAX_FAILURES_PER_IP=10_000,
                      SIGNIN_MAX_FAILURES_PER_ACCOUNT=10_000)
    _seed_requests(world)
    _token, secret = create_token(getattr(world, who), "schemathesis")
    headers = basic(getattr(world, who), secret, token=True)
    base_url = f"http://127.0.0.1:{live_server}/acme/api/v2"
    end_test_transaction()
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    assert len(list(schema.get_all_operations())) >= 24
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def holds(case):
            end_test_transaction()
            case.call_and_validate(base_url=base_url, headers=headers, excluded_checks=LENIENCY_CHECKS)

        holds()
    db.session.rollback()
