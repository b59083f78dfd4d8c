"""Fault matrix: over 200 tool calls for each kind of failure a hosted HaloPSA produces.

For each fault the sandbox injects (429 with and without Retry-After, 5xx before and
after the handler, answers slower than the timeout, tokens revoked mid-session, dropped
connections, malformed JSON), a mixed workload of reads and writes runs through one
in-process MCP session: part one call at a time, part ten at a time, so the shared
token and the lookup cache are exercised under the fault too. Then:

- every call returned (nothing escaped the client session) within a bound derived from
  the retry policy and the timeout, and either succeeded or failed with a tool error the
  model can act on (never a traceback, never the SDK's bare "Error executing tool X");
- a failed write that HaloPSA may have acted on says "Do NOT repeat", and one that says
  "Nothing was written" really wrote nothing;
- the session still serves calls once the faults are cleared;
- the sandbox holds at most one ticket or action per unique marker, and received each
  marked write at most once, except for answers that prove it was not acted on (429
  and 401: the only failures after which the client may send a write again).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.sandbox.faults import FaultKind
from halopsa_mcp.server.app import build_server
from tests.helpers import NO_WARM_UP, halo_settings
from tests.reliability.report import ROWS, Row, table

# --- Bounds -------------------------------------------------------------------------

TIMEOUT = 0.25
POLICY = RetryPolicy(max_retries=3, max_rate_limit_wait=0.5, backoff_base=0.005, backoff_cap=0.02)
SLOW_DELAY = TIMEOUT + 0.05
# One HaloPSA request at its worst: every attempt times out and is backed off, or its
# 429s use up the whole rate-limit wait (a row injects one kind of fault, so the sum
# over-covers either case, and also the one 401 refresh an expired token earns).
PER_REQUEST = (
    (POLICY.max_retries + 1) * TIMEOUT
    + POLICY.max_retries * POLICY.backoff_cap
    + POLICY.max_rate_limit_wait
)
# The longest chain of dependent requests one tool call makes: the lookups (fetched in
# parallel), then the ticket or client, then the write or the ticket's actions.
CHAIN = 3
# Scheduling on a loaded two-core CI machine, and the MCP session's own overhead.
SLACK = 1.5
CALL_BOUND = CHAIN * PER_REQUEST + SLACK

# --- Workload -------------------------------------------------------------------------

CALLS = 210
SEQUENTIAL = 70  # the first calls one at a time; the rest ten at a time
IN_FLIGHT = 10
WRITES = frozenset({"create_ticket", "add_action", "update_ticket"})
OPS = (
    "search_tickets",
    "get_ticket",
    "create_ticket",
    "list_actions",
    "add_action",
    "list_statuses",
    "update_ticket",
)

# A failure that proves HaloPSA did not act on the request: the only kind after which a
# write may be sent again.
NOT_ACTED = frozenset({401, 429})

CLIENT_ID = 23


@dataclass(frozen=True)
class Case:
    id: str
    rules: tuple[FaultRule, ...]
    # The share of calls that must still succeed. 429s are waited out within
    # max_rate_limit_wait, so under them every call must.
    min_success: float = 0.5
    sequential: int = SEQUENTIAL


def _everywhere(kind: FaultKind, p: float, **rule: Any) -> FaultRule:
    """``kind`` on every /api request (not the token endpoint), with chance ``p``."""
    return FaultRule(kind=kind, times=None, probability=p, path="/api/", **rule)


CASES = [
    Case("rate_limit-retry_after", (_everywhere("rate_limit", 0.3, retry_after=0.01),), 1.0),
    Case("rate_limit-no_retry_after", (_everywhere("rate_limit", 0.3),), 1.0),
    Case("server_error-500-before", (_everywhere("server_error", 0.25, status=500),)),
    Case("server_error-503-after", (_everywhere("server_error", 0.25, status=503, when="after"),)),
    # Every slow answer costs a whole timeout: mostly concurrent, to keep CI time down.
    Case("slow", (_everywhere("slow", 0.2, delay=SLOW_DELAY),), sequential=20),
    # The token is shared: a revocation fails every call in flight with it once, and a
    # call gets one refresh, so ten calls at a time lose more than one at a time.
    Case("expire_token", (_everywhere("expire_token", 0.2),), min_success=0.35),
    Case(
        "drop",
        (
            _everywhere("drop", 0.3, method="POST", when="after"),
            _everywhere("drop", 0.25, method="GET", when="before"),
        ),
    ),
    Case("malformed_json", (_everywhere("malformed_json", 0.25, when="after"),)),
]


@dataclass
class Call:
    index: int
    tool: str
    arguments: dict[str, Any]
    marker: str | None = None
    latency: float = 0.0
    result: CallToolResult | None = None
    escaped: str | None = None

    @property
    def text(self) -> str:
        if self.result is None or not self.result.content:
            return ""
        first = self.result.content[0]
        return getattr(first, "text", "")

    @property
    def succeeded(self) -> bool:
        return self.result is not None and not self.result.is_error


@dataclass
class Workload:
    case: str
    tickets: list[int]
    calls: list[Call] = field(default_factory=list)

    def make(self, index: int) -> Call:
        tool = OPS[index % len(OPS)]
        ticket = self.tickets[index % len(self.tickets)]
        # Brackets keep one marker from being a prefix of another ("c1]" vs "c10]").
        marker = f"[rel-{self.case}-{tool[0]}{index}]"
        arguments: dict[str, Any]
        if tool == "search_tickets":
            arguments = {"text": "printer", "client_id": CLIENT_ID, "limit": 10}
        elif tool == "get_ticket":
            arguments = {"ticket_id": ticket, "include_actions": 3}
        elif tool == "list_actions":
            arguments = {"ticket_id": ticket, "limit": 5}
        elif tool == "list_statuses":
            arguments = {}
        elif tool == "create_ticket":
            arguments = {
                "summary": f"{marker} printer check",
                "client_id": CLIENT_ID,
                "ticket_type_id": 1,
                "not_duplicate": True,
            }
        elif tool == "add_action":
            arguments = {"ticket_id": ticket, "note": f"{marker} checked the printer queue"}
        else:
            arguments = {"ticket_id": ticket, "details": f"{marker} printer driver reinstalled"}
        call = Call(index, tool, arguments, marker if tool in WRITES else None)
        self.calls.append(call)
        return call


async def _run(c: Client, call: Call) -> None:
    started = time.monotonic()
    try:
        call.result = await c.call_tool(call.tool, call.arguments)
    except Exception as exc:  # recorded, then asserted on: one escape must not hide others
        call.escaped = f"{type(exc).__name__}: {exc}"
    finally:
        call.latency = time.monotonic() - started


# --- What a clear tool error is -----------------------------------------------------

_BARE_SDK_ERROR = re.compile(r"^Error executing tool \w+(: Error executing tool \w+)*$")
_LEAKS = ("Traceback", 'File "', "sandbox-secret", "errors.pydantic.dev")
DO_NOT_REPEAT = "Do NOT repeat"
NOTHING_WRITTEN = "Nothing was written"


def unclear(call: Call) -> str | None:
    """Why the failed call's text would not let a model act on it, or None if it would."""
    text = call.text.strip()
    if not text:
        return "empty error text"
    if _BARE_SDK_ERROR.match(text):
        return "the SDK's bare crash message: an unexpected exception reached the SDK"
    for leak in _LEAKS:
        if leak in text:
            return f"leaks {leak!r}"
    # What follows the SDK's "Error executing tool X: " must say something.
    message = re.sub(r"^Error executing tool \w+: ", "", text)
    if len(message) < 20:
        return "too short to say what happened"
    return None


# --- The sandbox's side ---------------------------------------------------------------


def _stored_with(sandbox: SandboxServer, marker: str) -> int:
    state = sandbox.state
    with state.lock:
        tickets = sum(1 for t in state.tickets.values() if marker in t.summary)
        actions = sum(
            1 for a in state.actions.values() if marker in (a.note or "") or marker in a.note_html
        )
    return tickets + actions


def _posts_with(sandbox: SandboxServer, marker: str) -> list[int]:
    """Statuses of the POSTs whose body carried ``marker``."""
    return [
        r.status
        for r in sandbox.state.requests()
        if r.method == "POST" and r.body is not None and marker in json.dumps(r.body)
    ]


def write_problems(sandbox: SandboxServer, call: Call) -> list[str]:
    """Every way the sandbox's record of this write contradicts the call's outcome."""
    assert call.marker is not None
    posts = _posts_with(sandbox, call.marker)
    acted = [s for s in posts if s not in NOT_ACTED]
    stored = _stored_with(sandbox, call.marker) if call.tool != "update_ticket" else None
    problems = []
    if len(acted) > 1:
        problems.append(f"sent {len(acted)} times after failures that may have applied it")
    if stored is not None and stored > 1:
        problems.append(f"{stored} records carry its marker")
    if call.succeeded:
        if len(acted) != 1:
            problems.append(f"succeeded, but the sandbox received it {len(acted)} times")
        if stored is not None and stored != 1:
            problems.append(f"succeeded, but {stored} records carry its marker")
    else:
        if NOTHING_WRITTEN in call.text and (acted or stored):
            problems.append("says nothing was written, but HaloPSA received or stored it")
        if acted and DO_NOT_REPEAT not in call.text:
            problems.append("HaloPSA may have acted on it; the error does not say not to repeat")
    return [f"{call.tool} #{call.index}: {p} ({call.text[:200]!r})" for p in problems]


def _open_tickets(sandbox: SandboxServer) -> list[int]:
    state = sandbox.state
    with state.lock:
        return sorted(
            t.id for t in state.tickets.values() if not state.statuses[t.status_id].is_closed
        )[:20]


def _faults_fired(sandbox: SandboxServer) -> int:
    return sum(1 for r in sandbox.state.requests() if r.fault is not None)


# --- The matrix -------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_every_call_ends_cleanly_and_nothing_is_duplicated(
    sandbox: SandboxServer, case: Case
) -> None:
    server = build_server(
        # Hundreds of calls, far beyond hosted HaloPSA's quota: no client-side pacing.
        halo_settings(sandbox, HALOPSA_TIMEOUT=str(TIMEOUT), HALOPSA_RATE_LIMIT="0"),
        # A short TTL: the lookups are fetched again, under the fault, during the run.
        ServerSettings.from_env({"HALOPSA_LOOKUP_TTL": "1", **NO_WARM_UP}),
        policy=POLICY,
    )
    work = Workload(case.id, _open_tickets(sandbox))
    started = time.monotonic()
    async with Client(server) as c:
        # The session starts fault-free, as a real one would have, then HaloPSA degrades.
        assert not (await c.call_tool("list_statuses", {})).is_error
        for rule in case.rules:
            sandbox.state.faults.add(rule)
        for index in range(case.sequential):
            await _run(c, work.make(index))
        pending = iter(range(case.sequential, CALLS))

        async def worker() -> None:
            # Ten workers draw from one queue: always ten calls in flight, never more.
            for index in pending:
                await _run(c, work.make(index))

        async with anyio.create_task_group() as tg:
            for _ in range(IN_FLIGHT):
                tg.start_soon(worker)
        fired = _faults_fired(sandbox)
        sandbox.state.faults.clear()
        # The server is still up and serving, HaloPSA included.
        after = await c.call_tool("list_statuses", {})
        found = await c.call_tool("search_tickets", {"client_id": CLIENT_ID, "limit": 5})
        ticket = await c.call_tool("get_ticket", {"ticket_id": work.tickets[0]})
    wall = time.monotonic() - started
    if any(r.kind == "slow" for r in case.rules):
        # A write whose client gave up is still stored once the delay has passed.
        await anyio.sleep(SLOW_DELAY + 0.2)

    calls = work.calls
    failed = [call for call in calls if not call.succeeded]
    row = Row(
        fault=case.id,
        calls=len(calls),
        successes=len(calls) - len(failed),
        tool_errors=sum(1 for call in failed if call.result is not None),
        do_not_repeat=sum(1 for call in failed if DO_NOT_REPEAT in call.text),
        nothing_written=sum(1 for call in failed if NOTHING_WRITTEN in call.text),
        faults_fired=fired,
        safe_replays=sum(
            1 for call in calls if call.marker and len(_posts_with(sandbox, call.marker)) > 1
        ),
        max_latency=max(call.latency for call in calls),
        wall=wall,
    )
    ROWS[case.id] = row
    print(f"\n{table([row])}")

    assert len(calls) >= 200
    escaped = [f"{call.tool} #{call.index}: {call.escaped}" for call in calls if call.escaped]
    assert not escaped, escaped
    slow = [
        f"{call.tool} #{call.index}: {call.latency:.2f}s"
        for call in calls
        if call.latency >= CALL_BOUND
    ]
    assert not slow, f"over the {CALL_BOUND:.2f}s bound: {slow}"
    muddled = [f"{call.tool} #{call.index}: {why}: {call.text[:300]!r}"
               for call in failed if (why := unclear(call))]  # fmt: skip
    assert not muddled, muddled
    for result in (after, found, ticket):
        assert not result.is_error, result.content

    contradictions = [p for call in calls if call.marker for p in write_problems(sandbox, call)]
    assert not contradictions, contradictions

    # The fault was really exercised, and the workload still mostly got through.
    assert fired >= 20, f"the fault fired only {fired} times"
    assert row.successes >= case.min_success * CALLS, [call.text[:200] for call in failed]
    if case.min_success < 1:
        assert failed, "no call failed: the fault did not bite"


def test_the_bound_is_what_the_policy_allows() -> None:
    """The per-call bound is derived, not picked: keep it sane as the constants change."""
    assert SLOW_DELAY > TIMEOUT
    assert 2.0 < CALL_BOUND < 10.0
    ops = Counter(OPS[i % len(OPS)] for i in range(CALLS))
    assert all(ops[tool] >= 25 for tool in WRITES)
