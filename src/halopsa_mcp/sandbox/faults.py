"""Fault injection: the failures a client of hosted Halo must survive, on demand.

A FaultPlan holds FaultRules; for each /api or /auth/token request the first matching
rule that wins its probability roll fires and uses up one of its `times`. Rules act
"before" the handler (the request never reaches Halo's logic) or "after" it (the handler
runs and its write is stored, then the client gets a failure instead of the answer).
"After" faults prove that a client does not replay a write it cannot know has failed.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import anyio
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halopsa_mcp.sandbox.errors import rate_limited

if TYPE_CHECKING:
    from halopsa_mcp.sandbox.state import SandboxState

FaultKind = Literal["rate_limit", "server_error", "slow", "drop", "malformed_json", "expire_token"]
FaultTiming = Literal["before", "after"]

# Only these can strike after the handler: a 429, a delay or an expired token means the
# server did not act, which is exactly what "after" contradicts.
_AFTER_KINDS = frozenset({"server_error", "drop", "malformed_json"})

# Valid JSON's beginning, cut off: what a client sees from a proxy that gives up midway.
_MALFORMED_BODY = b'{"record_count": 1, "tickets": [{"id": 10'


@dataclass(frozen=True)
class FaultRule:
    """One kind of failure, for the requests it matches.

    kind: rate_limit (429), server_error (`status`, default 500), slow (`delay` seconds,
        then the real answer), drop (headers then a closed connection: the client sees a
        transport error), malformed_json (200 with a truncated JSON body), expire_token
        (the request's bearer token stops being valid, so the answer is 401).
    times: how many requests it fires on; None for every matching request.
    probability: the chance it fires on a matching request (seeded, so repeatable).
    method, path: match only this HTTP method / paths starting with this prefix.
    retry_after: seconds for a rate_limit's Retry-After header; None sends none, like
        hosted Halo.
    when: "before" or "after" the handler (after: server_error, drop, malformed_json).
    """

    kind: FaultKind
    times: int | None = 1
    probability: float = 1.0
    method: str | None = None
    path: str | None = None
    retry_after: float | None = None
    status: int = 500
    delay: float = 1.0
    when: FaultTiming = "before"

    def __post_init__(self) -> None:
        if self.kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.when not in get_args(FaultTiming):
            raise ValueError(f"when must be 'before' or 'after', not {self.when!r}")
        if self.when == "after" and self.kind not in _AFTER_KINDS:
            raise ValueError(f"a {self.kind} fault can only strike before the handler")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1, or None for every request")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status")

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)

    def describe(self) -> dict[str, Any]:
        return asdict(self)


class FaultPlan:
    """The active rules, in the order added. Thread-safe: tests steer it while it serves."""

    def __init__(self, seed: int) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._remaining: list[int | None] = []
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)
            self._remaining.append(rule.times)

    def clear(self, seed: int | None = None) -> None:
        """Remove every rule; a seed also restarts the probability rolls."""
        with self._lock:
            self._rules.clear()
            self._remaining.clear()
            if seed is not None:
                self._rng.seed(seed)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def pick(self, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, if any, counting it as used."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if not rule.matches(method, path) or self._rng.random() >= rule.probability:
                    continue
                remaining = self._remaining[index]
                if remaining is not None:
                    if remaining <= 1:
                        del self._rules[index], self._remaining[index]
                    else:
                        self._remaining[index] = remaining - 1
                return rule
            return None


async def run_with_fault(
    rule: FaultRule, app: ASGIApp, state: SandboxState, scope: Scope, receive: Receive, send: Send
) -> None:
    """Serve one request through the app, failing it the way the rule says."""
    if rule.kind == "slow":
        await anyio.sleep(rule.delay)
        await app(scope, receive, send)
        return
    if rule.kind == "expire_token":
        state.revoke_token(_bearer_token(scope))
        await app(scope, receive, send)
        return
    if rule.when == "after":
        await app(scope, receive, _discard)
    if rule.kind == "drop":
        await _drop(send)
        return
    await _fault_response(rule, state)(scope, receive, send)


def _fault_response(rule: FaultRule, state: SandboxState) -> Response:
    if rule.kind == "rate_limit":
        return rate_limited(state.config, rule.retry_after).response()
    if rule.kind == "malformed_json":
        return Response(_MALFORMED_BODY, 200, media_type="application/json")
    return PlainTextResponse("An unexpected error occurred", rule.status)


async def _drop(send: Send) -> None:
    """Promise a body, then end without it: the server closes the connection.

    uvicorn closes the connection when an app returns with its response unfinished; the
    client has the headers but not the promised bytes, and sees a protocol error.
    """
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"512")],
        }
    )


async def _discard(message: Message) -> None:
    """The send of an "after" fault: the handler's real answer never leaves the server."""


def _bearer_token(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token if scheme.lower() == "bearer" else ""
    return ""
