"""Schemathesis against the portal's own OpenAPI document: every `/api/v1/...` operation, as each role.

The cases come from `/schema/openapi.json` (read from the app, so a route added later is fuzzed without touching
this file). Each generated request is sent in-process through the app, signed in as the owner (Olivia), a case
manager (Casey), the biller (Bea) or a relative (Pat), inside a transaction that is rolled back, and then checked:
no 5xx, and a response whose status the operation declares has a body that matches the declared schema. A 401,
403 or 404 is a refusal of who is asking or of an id nobody has; the document does not list those per operation,
so the body check applies to declared statuses only (status conformance would only restate the guards, which
tests/test_route_guards.py covers).

Path ids that name a client or a relative are replaced with Jordan's and Pat's (Pat has an active grant and a
release), so bodies reach the services instead of stopping at a 404. Bounded and deterministic: `derandomize=True`
and a few examples per operation.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.support import people
from tests.support.http import PortalClient

MAX_EXAMPLES = 6
ROLES = {
    "owner": "olivia@example.com",
    "case_manager": "casey@example.com",
    "billing": "bea@example.com",
    "family": "pat@example.com",
}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _document() -> dict[str, Any]:
    from portal.app import create_app

    return create_app().openapi_schema.to_schema()


# The fuzzing phase only (valid and invalid data): the coverage phase's exhaustive boundary cases would take far
# longer than CI allows, and tests/test_bad_input.py already walks each field's wrong types, nulls and limits.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG).include(path_regex=r"^/api/v1/")

_known: dict[str, int] = {}


async def _known_ids() -> dict[str, int]:
    from portal.cases.tables import Relative

    if not _known:
        jordan = await people.client_named("Jordan Rivera")
        pat = await Relative.select(Relative.id).where(Relative.email == "pat@example.com").first()
        assert pat is not None
        _known.update({"client_id": int(jordan["id"]), "relative_id": int(pat["id"])})
    return _known


def _request_arguments(case: schemathesis.Case, known: dict[str, int]) -> dict[str, Any]:
    for name, value in known.items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    arguments: dict[str, Any] = {
        "headers": {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "user-agent"},
        "params": kwargs.get("params"),
    }
    if kwargs.get("cookies"):
        arguments["cookies"] = kwargs["cookies"]
    if "json" in kwargs:
        arguments["json"] = kwargs["json"]
    if "files" in kwargs:
        arguments["files"] = kwargs["files"]
        if isinstance(kwargs.get("data"), dict):
            arguments["data"] = kwargs["data"]
    elif isinstance(kwargs.get("data"), dict):
        arguments["data"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        arguments["content"] = data.encode() if isinstance(data, str) else data
    return {"method": kwargs["method"], "url": kwargs["url"], **arguments}


async def _exchange(app: Any, email: str, case: schemathesis.Case) -> tuple[httpx.Response, dict[str, Any]]:
    """Sign in and send the case inside one transaction, rolled back afterwards (the database stays as seeded)."""
    from piccolo.engine.sqlite import SQLiteEngine, TransactionType

    from portal.db import get_engine

    engine = get_engine()
    transaction = (
        engine.transaction(transaction_type=TransactionType.immediate)
        if isinstance(engine, SQLiteEngine)
        else engine.transaction()
    )
    async with transaction:
        known = await _known_ids()
        if email == ROLES["family"]:  # Pat with an active grant and a release: the family routes have data to show
            from tests.families.conftest import family_release, grant

            await grant(known["relative_id"])
            await family_release(known["client_id"], known["relative_id"], ["family_communication", "billing"])
        arguments = _request_arguments(case, known)
        async with PortalClient(app) as client:
            await client.login_as(await people.get(email))
            headers = dict(arguments.pop("headers") or {})
            if arguments["method"].upper() not in {"GET", "HEAD", "OPTIONS"}:
                headers["x-csrftoken"] = await client.csrf_token()
            response = await client.http.request(headers=headers, **arguments)
            await response.aread()
        await transaction.rollback()
    return response, headers


@pytest.fixture(scope="module")
def fuzz_app() -> Any:
    from portal.app import create_app

    return create_app()


@pytest.mark.parametrize("role", sorted(ROLES))
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema(fuzz_app: Any, role: str, case: schemathesis.Case) -> None:
    response, headers = asyncio.run(_exchange(fuzz_app, ROLES[role], case))
    case.validate_response(response, checks=CHECKS, headers=headers)
