"""What every /api endpoint does before its own work, in Halo's order.

1. A bearer token from /auth/token, unexpired: else 401 with an empty body.
2. A scope that covers the method: GET needs read, POST needs edit: else 403.
3. Room in the rolling rate window: else 429, without Retry-After as hosted Halo.
4. Query parameters the OpenAPI file lists for the operation, of the right kind: else
   400 (a sandbox strictness; live Halo ignores unknown names).

Handlers receive an ApiRequest with the checked query and helpers for the path id and
for the JSON array bodies Halo's POST endpoints take.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox import openapi
from halopsa_mcp.sandbox.access import READ_SCOPES, WRITE_SCOPES
from halopsa_mcp.sandbox.errors import ErrorAnswer, rate_limited
from halopsa_mcp.sandbox.openapi import QueryValue, SpecError
from halopsa_mcp.sandbox.state import SandboxState

NO_ACCESS = "You do not have access to this resource at the moment"

_R = TypeVar("_R")


def sandbox_state(request: Request) -> SandboxState:
    return cast(SandboxState, request.app.state.sandbox)


class Query:
    """Checked query parameters with typed access; absent ones read as None or False."""

    def __init__(self, values: dict[str, QueryValue]) -> None:
        self.values = values

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class ApiRequest:
    request: Request
    state: SandboxState
    operation: str  # e.g. "GET /Tickets/{id}"
    query: Query

    def path_id(self) -> int:
        raw = self.request.path_params["id"]
        try:
            return int(raw)
        except ValueError:
            raise ErrorAnswer(400, f"The value '{raw}' is not valid.") from None

    async def items(self) -> list[dict[str, Any]]:
        """The body as a JSON array of objects, each checked against the body schema."""
        schema = openapi.body_schema(self.operation)
        where = openapi.display(self.operation)
        try:
            body = json.loads(await self.request.body())
        except ValueError:
            raise ErrorAnswer(400, f"sandbox: the body of {where} is not valid JSON") from None
        if not isinstance(body, list) or not body:
            raise ErrorAnswer(400, f"sandbox: {where} takes a JSON array of {schema} objects")
        for item in body:
            if not isinstance(item, dict):
                raise ErrorAnswer(400, f"sandbox: {where} takes a JSON array of {schema} objects")
            try:
                openapi.check_object(schema, item, self.operation)
            except SpecError as error:
                raise ErrorAnswer(400, str(error)) from None
        return body


ApiHandler = Callable[[ApiRequest], Awaitable[Response]]


def api_route(method: str, path: str, handler: ApiHandler) -> Route:
    """A route under /api for the OpenAPI operation "METHOD path"."""
    operation = f"{method} {path}"
    openapi.query_params(operation)  # a typo in the route table fails at start-up

    async def endpoint(request: Request) -> Response:
        state = sandbox_state(request)
        _authorise(request, state, method)
        if not state.admit_api_request():
            raise rate_limited(state.config)
        _refuse_unreadable(state, method, path)
        try:
            values = openapi.parse_query(operation, request.query_params.multi_items())
        except SpecError as error:
            raise ErrorAnswer(400, str(error)) from None
        return await handler(ApiRequest(request, state, operation, Query(values)))

    return Route(path, endpoint, methods=[method])


def _refuse_unreadable(state: SandboxState, method: str, path: str) -> None:
    """A lookup this tenant will not show, answered as it answered (403 or 404)."""
    status = dict(state.config.unreadable_lookups).get(path.lstrip("/"))
    if status is not None and method == "GET":
        raise ErrorAnswer(status, NO_ACCESS if status == 403 else "Not Found")


def _authorise(request: Request, state: SandboxState, method: str) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    scopes = state.token_scopes(token) if scheme.lower() == "bearer" and token else None
    if scopes is None:
        raise ErrorAnswer(401, "", {"WWW-Authenticate": "Bearer"})
    needed = READ_SCOPES if method == "GET" else WRITE_SCOPES
    if not scopes & needed:
        raise ErrorAnswer(403, NO_ACCESS)


def saved(state: SandboxState, key: str, objects: list[dict[str, Any]]) -> JSONResponse:
    """The answer to a POST of an array.

    Halo answers a one-element POST with the object itself and a longer one with an
    array; some deployments have been seen to wrap the list (``{"tickets": [...]}``).
    ``config.write_answer`` picks the shape, so clients can be tested against each.
    """
    answer = state.config.write_answer
    if answer == "array":
        return JSONResponse(objects)
    if answer == "wrapped":
        return JSONResponse({key: objects})
    return JSONResponse(objects[0] if len(objects) == 1 else objects)


def listing(
    records: Sequence[_R], shape: Callable[[_R], dict[str, Any]], key: str, query: Query
) -> dict[str, Any]:
    """The envelope of the Tickets and Client lists, with Halo's paging quirk.

    page_size and page_no count only with pageinate=true (Halo's spelling); page_size
    defaults to 50 and is capped at 100. Without pageinate every match comes back, or
    the first `count`, and the envelope has no page_no/page_size. record_count is
    always the number of matches.
    """
    envelope: dict[str, Any] = {}
    total = len(records)
    if query.flag("pageinate"):
        size = min(max(query.integer("page_size") or 50, 1), 100)
        page_no = max(query.integer("page_no") or 1, 1)
        envelope |= {"page_no": page_no, "page_size": size}
        records = records[(page_no - 1) * size : page_no * size]
    elif count := query.integer("count"):
        records = records[:count]
    envelope["record_count"] = total
    envelope[key] = [shape(record) for record in records]
    return envelope
