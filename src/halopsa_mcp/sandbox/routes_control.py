"""/_sandbox/*: steering a running sandbox from tests or benchmark scripts.

No authentication and never faulted, so a scenario can always be set up and read back;
answered only to clients on this machine, so a sandbox served on a network address
cannot be reset or sabotaged from elsewhere.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox.api import sandbox_state
from halopsa_mcp.sandbox.faults import FaultRule


async def reset(request: Request) -> Response:
    """Reseed, and forget tokens, faults, the rate window and the request log."""
    sandbox_state(request).reset()
    return Response(status_code=204)


async def add_fault(request: Request) -> Response:
    """Body: one JSON object of FaultRule fields, e.g. {"kind": "drop", "when": "after"}."""
    try:
        fields = json.loads(await request.body())
        rule = FaultRule(**fields)
    except (ValueError, TypeError) as error:
        return PlainTextResponse(f"sandbox: not a fault rule: {error}", 400)
    sandbox_state(request).faults.add(rule)
    return JSONResponse(rule.describe(), 201)


async def list_faults(request: Request) -> Response:
    return JSONResponse([rule.describe() for rule in sandbox_state(request).faults.rules()])


async def clear_faults(request: Request) -> Response:
    sandbox_state(request).faults.clear()
    return Response(status_code=204)


async def expire_tokens(request: Request) -> Response:
    sandbox_state(request).expire_all_tokens()
    return Response(status_code=204)


async def list_requests(request: Request) -> Response:
    """The request log: [{"method", "path", "status", "query", "fault"}, ...], oldest first."""
    return JSONResponse([asdict(record) for record in sandbox_state(request).requests()])


async def clear_requests(request: Request) -> Response:
    sandbox_state(request).clear_requests()
    return Response(status_code=204)


Handler = Callable[[Request], Awaitable[Response]]


def _local_only(handler: Handler) -> Handler:
    async def guarded(request: Request) -> Response:
        host = request.client.host if request.client else ""
        try:
            local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = False
        if not local:
            return PlainTextResponse("sandbox: control endpoints answer only on loopback", 403)
        return await handler(request)

    return guarded


ROUTES = [
    Route("/_sandbox/reset", _local_only(reset), methods=["POST"]),
    Route("/_sandbox/faults", _local_only(add_fault), methods=["POST"]),
    Route("/_sandbox/faults", _local_only(list_faults), methods=["GET"]),
    Route("/_sandbox/faults", _local_only(clear_faults), methods=["DELETE"]),
    Route("/_sandbox/expire-tokens", _local_only(expire_tokens), methods=["POST"]),
    Route("/_sandbox/requests", _local_only(list_requests), methods=["GET"]),
    Route("/_sandbox/requests", _local_only(clear_requests), methods=["DELETE"]),
]
