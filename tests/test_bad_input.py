"""Bad input on every JSON route of the OpenAPI document gets a 4xx with a message, never a 5xx.

The cases are built from the document itself (request bodies, path and query parameters), so every route a
later issue adds is covered without touching this file: malformed JSON, bodies that are not objects, a wrong
type and a null for each field, each required field missing, 100,000-character strings, unknown fields, and
unknown or malformed ids in the path. Each route is tried as the owner and signed out.

Signed in as the owner, a refusal must be for the input itself: a validation refusal names the field, and a
401 means the input got through to a credential check. Body cases of a route with an id in its path use an id
nobody has; a route that looks the id up before it validates the body (a dependency does) answers 404 to them,
which passes here, so such a route's body limits need tests of their own.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import httpx
import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, FromQuery, JSONBody

from portal.errors import NotFound
from portal.errors_http import EXCEPTION_HANDLERS

# Marked here, not only by conftest's collection hook: that hook runs after anyio has expanded the items, and
# would drop this module's parametrized cases.

OVERSIZED = "x" * 100_000
# In a query string: as long as a URL gets (servers refuse longer request lines before the app sees them).
OVERSIZED_QUERY = "x" * 8_000
# Ids nobody has: a plausible one, one beyond a 64-bit integer column, and a negative one.
UNKNOWN_INTEGER_IDS = ["999999999", "99999999999999999999", "-1"]
MALFORMED_IDS = ["abc", "1.5", "%20"]
PLACEHOLDER_ID = "999999999"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
# String formats the decoder enforces, so a value of the wrong shape must be refused.
CHECKED_FORMATS = {"date", "date-time", "time", "uuid", "duration"}

Send = Callable[..., Awaitable[httpx.Response]]


# --------------------------------------------------------------------------- reading the document


def _document() -> dict[str, Any]:
    """The OpenAPI document of a freshly built app, read at collection time to name one test per route."""
    from portal.app import create_app

    return create_app().openapi_schema.to_schema()


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    )


OPERATIONS = _operations(_document())


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema, seen = node, seen + 1
    return schema


def _types(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema allows; empty when anything goes."""
    schema = _resolve(document, schema)
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    types: set[str] = set()
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            types |= _types(document, option)
    if not types and "enum" in schema:
        types = {_json_type(value) for value in schema["enum"]}
    if not types and "properties" in schema:
        types = {"object"}
    return types


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _options(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(document, schema)
    options = [_resolve(document, option) for key in ("oneOf", "anyOf") for option in schema.get(key, [])]
    return [option for option in options if option.get("type") != "null"] or [schema]


def _example(document: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A valid value for the schema (required properties only), so each case breaks exactly one thing."""
    schema = _resolve(document, schema)
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    if "default" in schema:
        return schema["default"]
    first = _options(document, schema)[0]
    if first is not schema:
        return _example(document, first, depth)
    types = _types(document, schema) - {"null"}
    if not types:
        return None if "null" in _types(document, schema) else "x"
    kind = sorted(types)[0]
    if kind == "object":
        if depth > 4:
            return {}
        properties = schema.get("properties", {})
        return {name: _example(document, properties[name], depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        items = schema.get("items", {})
        return [_example(document, items, depth + 1) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return max(1.0, float(schema.get("minimum", 1)))
    if kind == "boolean":
        return False
    return _example_string(schema)


def _example_string(schema: dict[str, Any]) -> str:
    formats = {
        "email": "someone@example.com",
        "date": "2026-01-05",
        "date-time": "2026-01-05T10:00:00Z",
        "time": "10:00:00",
        "uuid": "5b1f6f4e-3c1d-4c1e-9d7e-0f4b7a2d9c11",
        "uri": "https://example.com/",
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return "a" * max(1, int(schema.get("minLength", 1)))


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    schema: dict[str, Any]
    required: bool


def _fields(document: dict[str, Any], schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[Field]:
    """Every property of an object body, nested objects included (not inside arrays)."""
    schema = _options(document, schema)[0]
    if len(prefix) > 4:
        return
    required = set(schema.get("required", []))
    for name, property_schema in schema.get("properties", {}).items():
        here = (*prefix, name)
        yield Field(here, property_schema, name in required)
        if _types(document, property_schema) - {"null"} == {"object"}:
            yield from _fields(document, property_schema, here)


def _with_parents(
    document: dict[str, Any], body: Any, schema: dict[str, Any], path: tuple[str, ...]
) -> tuple[Any, dict[str, Any]]:
    """A copy of body with (valid) parent objects of path that the base body left out, and path's parent."""
    changed = copy.deepcopy(body)
    node, node_schema = changed, schema
    for name in path[:-1]:
        node_schema = _options(document, node_schema)[0].get("properties", {}).get(name, {})
        if not isinstance(node.get(name), dict):
            node[name] = _example(document, node_schema)
        node = node[name]
    return changed, node


def _set(document: dict[str, Any], body: Any, schema: dict[str, Any], path: tuple[str, ...], value: Any) -> Any:
    changed, parent = _with_parents(document, body, schema, path)
    parent[path[-1]] = value
    return changed


def _without(document: dict[str, Any], body: Any, schema: dict[str, Any], path: tuple[str, ...]) -> Any:
    changed, parent = _with_parents(document, body, schema, path)
    parent.pop(path[-1], None)
    return changed


def _has_a_shape(schema: dict[str, Any]) -> bool:
    return bool(schema.get("enum") or schema.get("pattern") or schema.get("format") in CHECKED_FORMATS)


def _wrong_values(document: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, Any]]:
    """Values of the wrong type (and, for constrained strings, the wrong shape) for one field."""
    types = _types(document, schema)
    if not types:
        return []
    resolved = _options(document, schema)[0]
    wrong: list[tuple[str, Any]] = []
    candidates = [
        ("a word", "not-a-valid-value"),
        ("a number", 12345),
        ("a boolean", True),
        ("a list", [1, 2]),
        ("an object", {"unexpected": 1}),
    ]
    for label, value in candidates:
        if _json_type(value) not in types and not (_json_type(value) == "integer" and "number" in types):
            wrong.append((label, value))
            break
    if "null" not in types:
        wrong.append(("null", None))
    if "string" in types and _has_a_shape(resolved):
        wrong.append(("a string of the wrong shape", "not-a-valid-value"))
    return wrong


def _wrong_query_values(document: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, str]]:
    """A query string is text: only parameters that are not free text can be given a wrong value."""
    resolved = _options(document, schema)[0]
    types = _types(document, schema) - {"null"}
    if types == {"array"}:
        resolved = _options(document, resolved.get("items", {}))[0]
        types = _types(document, resolved) - {"null"}
    if types and "string" not in types:
        return [("a word", "not-a-valid-value")]
    if _has_a_shape(resolved):
        return [("a string of the wrong shape", "not-a-valid-value")]
    return []


# --------------------------------------------------------------------------- building the cases


@dataclass
class Case:
    name: str
    url: str
    request: dict[str, Any] = field(default_factory=dict)
    # "refused": a 4xx with a JSON message. "no server error": anything below 500 (the route ignores it).
    expect: str = "refused"
    # The field a validation refusal (400, 422) must name, so the caller knows what to fix.
    mentions: str | None = None


def _parameters(operation: dict[str, Any], path_item: dict[str, Any]) -> list[dict[str, Any]]:
    return [*path_item.get("parameters", []), *operation.get("parameters", [])]


def _url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def cases_for(document: dict[str, Any], method: str, path: str) -> list[Case]:
    path_item = document["paths"][path]
    operation = path_item[method.lower()]
    parameters = [_resolve(document, parameter) for parameter in _parameters(operation, path_item)]
    path_parameters = [parameter for parameter in parameters if parameter.get("in") == "path"]
    query_parameters = [parameter for parameter in parameters if parameter.get("in") == "query"]
    placeholders = {parameter["name"]: PLACEHOLDER_ID for parameter in path_parameters}
    url = _url(path, placeholders)
    base_query = {
        parameter["name"]: str(_example(document, parameter.get("schema", {})))
        for parameter in query_parameters
        if parameter.get("required")
    }

    body_schema = (
        operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if "requestBody" in operation
        else None
    )
    body = _example(document, body_schema) if body_schema is not None else None

    def json_request(payload: Any) -> dict[str, Any]:
        return {
            "params": base_query,
            "content": json.dumps(payload),
            "headers": {"content-type": "application/json"},
        }

    def raw_request(content: str, content_type: str = "application/json") -> dict[str, Any]:
        return {"params": base_query, "content": content, "headers": {"content-type": content_type}}

    cases: list[Case] = []
    for parameter in path_parameters:
        name = parameter["name"]
        is_integer = "integer" in _types(document, parameter.get("schema", {}))
        unknown = UNKNOWN_INTEGER_IDS if is_integer else ["unknown-id", "999999999", "x" * 2_000]
        for value in unknown:
            request = json_request(body) if body_schema is not None else {"params": base_query}
            cases.append(Case(f"unknown {name} {value[:20]}", _url(path, {**placeholders, name: value}), request))
        for value in MALFORMED_IDS:
            request = json_request(body) if body_schema is not None else {"params": base_query}
            cases.append(Case(f"malformed {name} {value!r}", _url(path, {**placeholders, name: value}), request))

    for parameter in query_parameters:
        name, schema = parameter["name"], parameter.get("schema", {})
        for label, text in _wrong_query_values(document, schema):
            request = {"params": {**base_query, name: text}}
            if body_schema is not None:
                request = {**json_request(body), "params": request["params"]}
            cases.append(Case(f"query {name} as {label}", url, request, mentions=name))
        if parameter.get("required"):
            request = {"params": {key: value for key, value in base_query.items() if key != name}}
            cases.append(Case(f"query {name} missing", url, request, mentions=name))
        if "string" in _types(document, schema):
            # A long search text may legitimately find nothing; it must not break anything.
            request = {"params": {**base_query, name: OVERSIZED_QUERY}}
            cases.append(Case(f"query {name} of 8,000 characters", url, request, expect="no server error"))

    if body_schema is None:
        # A body the route does not read: ignored or refused, but never a crash.
        cases.append(Case("an unexpected malformed body", url, raw_request('{"broken": '), "no server error"))
        return cases

    cases += [
        Case("malformed JSON", url, raw_request('{"broken": ')),
        Case("an empty body", url, raw_request("")),
        Case("JSON null", url, raw_request("null")),
        Case("a list instead of an object", url, json_request([body])),
        Case("a string instead of an object", url, json_request("text")),
        Case("a form instead of JSON", url, raw_request("a=1&b=2", "application/x-www-form-urlencoded")),
        Case("JSON nested 10,000 levels deep", url, raw_request("[" * 10_000 + "]" * 10_000)),
    ]
    if isinstance(body, dict):
        unknown_field = json_request({**body, "unexpected_field": "x"})
        cases.append(Case("an unknown field", url, unknown_field, mentions="unexpected_field"))
    for item in _fields(document, body_schema):
        label, name = ".".join(item.path), item.path[-1]
        for wrong_label, value in _wrong_values(document, item.schema):
            wrong = _set(document, body, body_schema, item.path, value)
            cases.append(Case(f"{label} as {wrong_label}", url, json_request(wrong), mentions=name))
        if item.required:
            missing = _without(document, body, body_schema, item.path)
            cases.append(Case(f"{label} missing", url, json_request(missing), mentions=name))
        if "string" in _types(document, item.schema):
            oversized = _set(document, body, body_schema, item.path, OVERSIZED)
            cases.append(Case(f"{label} of 100,000 characters", url, json_request(oversized), mentions=name))
    return cases


# --------------------------------------------------------------------------- judging the answers


async def problems_with(send: Send, document: dict[str, Any], method: str, path: str, *, signed_in: bool) -> list[str]:
    """Every case of the route whose answer is wrong, described; empty when the route behaves."""
    problems = []
    for case in cases_for(document, method, path):
        response = await send(method, case.url, **case.request)
        problem = _judge(case, response, signed_in=signed_in)
        if problem:
            problems.append(f"{case.name}: {problem}")
    return problems


def _judge(case: Case, response: httpx.Response, *, signed_in: bool) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"answered {status} {response.text[:200]!r}"
    if case.expect == "no server error":
        return None
    if not 400 <= status < 500:
        return f"accepted with {status} (expected a 4xx)"
    if not response.headers.get("content-type", "").startswith("application/json"):
        return f"{status} without a JSON body ({response.headers.get('content-type')})"
    try:
        body = response.json()
    except ValueError:
        return f"{status} with a body that is not JSON"
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail.strip():
        return f"{status} without a 'detail' message: {response.text[:200]!r}"
    if signed_in and status == 401:
        # The owner is signed in: a 401 means the input got past validation to a credential check
        # (the sign-in route) instead of being refused as malformed.
        return f"got past validation: {response.text[:200]!r}"
    if status in {400, 422} and case.mentions and case.mentions not in response.text:
        return f"{status} without naming {case.mentions!r}: {response.text[:200]!r}"
    return None


# --------------------------------------------------------------------------- the tests


def test_every_route_of_the_served_document_is_checked(app: Any) -> None:
    # The parametrization below is read when the tests are collected; it must be the document the app serves.
    served = app.openapi_schema.to_schema()
    assert _operations(served) == OPERATIONS
    assert ("POST", "/api/v1/auth/login") in OPERATIONS


@pytest.mark.parametrize("signed_in", [True, False], ids=["as the owner", "signed out"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{method} {path}" for method, path in OPERATIONS])
async def test_bad_input_gets_a_4xx_with_a_message_never_a_5xx(
    client: Any, olivia: dict[str, Any], method: str, path: str, signed_in: bool
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    if signed_in:
        await client.login_as(olivia)

    problems = await problems_with(client.request, document, method, path, signed_in=signed_in)

    assert problems == [], f"{method} {path} mishandles bad input:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- the checker itself


class Dimensions(msgspec.Struct, forbid_unknown_fields=True):
    width: int
    unit: Literal["cm", "in"] = "cm"


class Widget(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    size: int
    colour: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    made_on: datetime.date | None = None
    dimensions: Dimensions | None = None


class LooseWidget(msgspec.Struct):
    name: str  # no length limit, unknown fields allowed


@get("/api/v1/widgets", sync_to_thread=False)
def list_widgets(
    page: FromQuery[int] = 1,
    size: FromQuery[list[int] | None] = None,
    sort: FromQuery[Literal["name", "size"]] = "name",
    q: FromQuery[str | None] = None,
) -> list[str]:
    return []


@post("/api/v1/widgets/{widget_id:int}", sync_to_thread=False)
def rename_widget(widget_id: FromPath[int], data: JSONBody[Widget]) -> None:
    raise NotFound("No such widget.")


@post("/api/v1/loose-widgets/{widget_id:int}", status_code=200, sync_to_thread=False)
def rename_loose_widget(widget_id: FromPath[int], data: JSONBody[LooseWidget]) -> dict[str, str]:
    if widget_id > 2**63 - 1:
        raise OverflowError("value out of int64 range")  # what a database driver does with such an id
    return {"renamed": data.name[:10]}


class LooseCredentials(msgspec.Struct):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    password: str  # no length limit, unknown fields allowed


@post("/api/v1/loose-login", sync_to_thread=False)
def loose_login(data: JSONBody[LooseCredentials]) -> None:
    raise NotAuthorizedException("The e-mail address or password is incorrect.")


async def _throwaway_problems(method: str, path: str, *, signed_in: bool = False) -> list[str]:
    throwaway = Litestar(
        route_handlers=[list_widgets, rename_widget, rename_loose_widget, loose_login],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=throwaway), base_url="http://testserver") as http:
        document = (await http.get("/schema/openapi.json")).json()
        return await problems_with(http.request, document, method, path, signed_in=signed_in)


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/widgets"), ("POST", "/api/v1/widgets/{widget_id}")])
async def test_the_checker_passes_a_route_that_refuses_bad_input(method: str, path: str) -> None:
    assert await _throwaway_problems(method, path) == []


async def test_the_checker_catches_a_route_that_accepts_bad_input_or_crashes() -> None:
    problems = await _throwaway_problems("POST", "/api/v1/loose-widgets/{widget_id}")
    names = {problem.split(":")[0] for problem in problems}
    assert names == {
        "unknown widget_id 999999999",
        "unknown widget_id 99999999999999999999",
        "unknown widget_id -1",
        "an unknown field",
        "name of 100,000 characters",
    }
    assert any(problem.startswith("unknown widget_id 99999999999999999999: answered 500") for problem in problems)


async def test_the_checker_catches_bad_input_that_gets_through_to_a_credential_check() -> None:
    # Refused, but for the wrong reason: the unknown field and the huge password reached the password check.
    problems = await _throwaway_problems("POST", "/api/v1/loose-login", signed_in=True)
    assert [problem.split(":")[0] for problem in problems] == [
        "an unknown field",
        "password of 100,000 characters",
    ]
    assert all("got past validation" in problem for problem in problems)


async def test_the_cases_reach_nested_fields_checked_formats_and_choices() -> None:
    throwaway = Litestar(route_handlers=[rename_widget])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=throwaway), base_url="http://testserver") as http:
        document = (await http.get("/schema/openapi.json")).json()
    names = {case.name for case in cases_for(document, "POST", "/api/v1/widgets/{widget_id}")}
    assert {
        "dimensions.width missing",
        "dimensions.width as a word",
        "dimensions.unit as a string of the wrong shape",
        "made_on as a string of the wrong shape",
        "colour of 100,000 characters",
        "size as null",
        "unknown widget_id 999999999",
        "malformed widget_id 'abc'",
    } <= names
