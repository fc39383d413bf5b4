"""Property-based contract tests: schemathesis drives every operation of our own OpenAPI
document with generated input and runs all of its checks on each response."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import seed as fixed_seed
from sqlalchemy import Engine

from app.config import Settings
from app.db import Database
from app.main import attach_database, create_app

EXAMPLES = 60

# The OpenAPI document does not depend on the database, so the schema loads at import time and
# the seeded test database is attached below (every operation is a read: no rollback needed).
app = create_app(Settings(data_version_ttl=0))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# Valid and invalid input both: invalid values must come back as 4xx problems, never 500.
schema.config.generation.update(modes=list(schemathesis.GenerationMode))


@pytest.fixture(scope="module", autouse=True)
def seeded_database(engine: Engine) -> None:
    attach_database(app, Database.for_engine(engine))  # as in production


@schema.parametrize()
@fixed_seed(20261121)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_openapi_contract(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
