"""``halopsa-mcp check``: what works and what is wrong with a tenant, and how to fix it.

Each check is one typed row; the first failure on the way in (URL, then token) skips the
checks that need it. The rows name settings and endpoints, never the client secret.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from halopsa_mcp.client import (
    HaloAuthError,
    HaloClient,
    HaloConnectionError,
    HaloError,
    HaloForbidden,
    HaloNotHaloPSA,
    HaloRateLimited,
    HaloResponseError,
    HaloServerError,
    RetryPolicy,
)
from halopsa_mcp.client.deadline import deadline
from halopsa_mcp.config import HaloSettings, ServerSettings
from halopsa_mcp.domain.records import Client, Outcome, Priority
from halopsa_mcp.rules.actions import private_note
from halopsa_mcp.rules.catalog import Catalog, medium_priority

State = Literal["ok", "note", "warn", "fail", "skip"]
Item = TypeVar("Item")
# What each read found, by the read's name.
Found = dict[str, Sequence[object]]


@dataclass(frozen=True)
class Row:
    check: str
    state: State
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class _Read:
    """One thing the tools read from HaloPSA."""

    name: str
    used_for: str
    # A 403 here only costs names or a check HaloPSA makes itself: no tool stops working.
    optional: bool
    fetch: Callable[[HaloClient, Found], Awaitable[Sequence[object]]]
    # False when one row is asked for, only to prove the endpoint answers.
    counted: bool = True


async def _users(halo: HaloClient, found: Found) -> Sequence[object]:
    # HaloPSA lists users per client; the first client found stands for them all.
    clients = [c for c in found.get("clients", ()) if isinstance(c, Client)]
    return await halo.list_users(client_id=clients[0].id) if clients else []


async def _clients(halo: HaloClient, _: Found) -> Sequence[object]:
    return (await halo.list_clients(limit=1)).items


async def _tickets(halo: HaloClient, _: Found) -> Sequence[object]:
    return (await halo.list_tickets(limit=1)).items


_READS = (
    _Read("statuses", "every ticket tool", False, lambda h, _: h.list_statuses()),
    _Read("priorities", "every ticket tool", False, lambda h, _: h.list_priorities()),
    _Read(
        "ticket types",
        "every ticket tool",
        False,
        lambda h, _: h.list_ticket_types(include_inactive=True),
    ),
    _Read("outcomes", "every ticket tool", False, lambda h, _: h.list_outcomes()),
    _Read("agents", "agent names", True, lambda h, _: h.list_agents(include_disabled=True)),
    _Read("teams", "team name checks", True, lambda h, _: h.list_teams()),
    _Read("clients", "create_ticket", False, _clients, counted=False),
    _Read("users", "create_ticket with a user_id", False, _users),
    _Read("ticket search", "search_tickets", False, _tickets, counted=False),
)


async def diagnose(halo: HaloSettings, server: ServerSettings) -> list[Row]:
    """Every check against the instance ``halo`` describes, in order."""
    # One retry: enough to ride out a blip, few enough to answer an operator quickly.
    policy = RetryPolicy(max_retries=1, max_rate_limit_wait=min(halo.max_rate_limit_wait, 10))
    async with HaloClient(halo, policy=policy) as client:
        rows = await _connection(client, halo)
        if rows[-1].state != "ok":
            return [*rows, Row("lookups", "skip", "not checked: they need a token"), _pacing(halo)]
        found: Found = {}
        for read in _READS:
            rows.append(await _read(client, halo, read, found))
    return [
        *rows,
        _note_outcome(_only(found, "outcomes", Outcome), server.default_outcome),
        _medium(_only(found, "priorities", Priority)),
        _pacing(halo),
    ]


async def _connection(client: HaloClient, halo: HaloSettings) -> list[Row]:
    """The URL answers as HaloPSA, and its token endpoint issues a token."""
    reached = Row("HaloPSA URL", "ok", f"{halo.token_url} answers as HaloPSA's token endpoint")
    try:
        with deadline(halo.call_timeout):
            await client.authenticate()
    except HaloConnectionError as exc:
        fix = f"check HALOPSA_URL ({halo.url}): scheme, host and port, and that it is reachable"
        return [Row("HaloPSA URL", "fail", exc.message, fix), _no_token()]
    except (HaloNotHaloPSA, HaloResponseError) as exc:
        fix = (
            "set HALOPSA_URL to the instance's base URL, e.g. https://acme.halopsa.com "
            "(and HALOPSA_AUTH_URL only if its authorisation server is elsewhere)"
        )
        return [Row("HaloPSA URL", "fail", exc.message, fix), _no_token()]
    except HaloAuthError as exc:
        detail, _, advice = exc.message.partition(". Check ")
        return [reached, Row("token", "fail", detail, f"check {advice}")]
    except HaloServerError as exc:
        fix = "check HALOPSA_TENANT: hosted HaloPSA answers a missing or wrong tenant this way"
        return [reached, Row("token", "fail", exc.message, fix)]
    except HaloError as exc:
        return [reached, Row("token", "fail", str(exc), _general_fix(exc))]
    tenant = f", tenant {halo.tenant}" if halo.tenant else ""
    issued = f"issued for client id {halo.client_id}, scope {halo.scope}{tenant}"
    return [reached, Row("token", "ok", issued)]


def _no_token() -> Row:
    return Row("token", "skip", "not checked: HaloPSA was not reached")


async def _read(client: HaloClient, halo: HaloSettings, read: _Read, found: Found) -> Row:
    # Each check is bounded as a tool call is, so a silent host cannot stall the report.
    try:
        with deadline(halo.call_timeout):
            rows = await read.fetch(client, found)
    except HaloForbidden as exc:
        state: State = "warn" if read.optional else "fail"
        fix = (
            f"allow the API application's agent to read {read.name} (HaloPSA: Config > "
            "Integrations > HaloPSA API > the application's permissions), or widen HALOPSA_SCOPE"
        )
        return Row(read.name, state, f"{exc} (needed for {read.used_for})", fix)
    except HaloError as exc:
        return Row(read.name, "fail", f"{exc} (needed for {read.used_for})", _general_fix(exc))
    found[read.name] = rows
    return Row(read.name, "ok", f"{len(rows)} read" if read.counted else "readable")


def _general_fix(exc: HaloError) -> str:
    if isinstance(exc, HaloRateLimited):
        return "run the check again once the quota frees (see the rate limit row for pacing)"
    return "check that HALOPSA_URL is the instance's base URL and that HaloPSA is up"


def _only(found: Found, name: str, kind: type[Item]) -> tuple[Item, ...] | None:
    """The records a read found, or None when the read failed."""
    if name not in found:
        return None
    return tuple(item for item in found[name] if isinstance(item, kind))


def _note_outcome(outcomes: tuple[Outcome, ...] | None, wanted: str) -> Row:
    """add_action's default outcome: its name differs between instances."""
    if outcomes is None:
        return Row("note outcome", "skip", "not checked: the outcomes could not be read")
    catalog = Catalog(statuses=(), priorities=(), ticket_types=(), outcomes=outcomes, agents=())
    found = catalog.outcome_named(wanted)
    if found is not None:
        return Row("note outcome", "ok", f"'{found.name}' found (id {found.id})")
    # add_action falls back to the outcome that is a private note by its settings.
    fallback = private_note(outcomes)
    if fallback is not None:
        detail = (
            f"no outcome named '{wanted}' (HALOPSA_DEFAULT_OUTCOME); add_action without an "
            f"outcome_id uses '{fallback.name}' (id {fallback.id}), a private note by its "
            "settings (hidden from the user, no status change)"
        )
        return Row("note outcome", "warn", detail, f"set HALOPSA_DEFAULT_OUTCOME={fallback.name!r}")
    notes = [o.name for o in outcomes if "note" in o.name.casefold()]
    detail = (
        f"no outcome named '{wanted}' (HALOPSA_DEFAULT_OUTCOME), so add_action without an "
        f"outcome_id fails; note outcomes found: {', '.join(notes) or 'none'}"
    )
    fix = f"set HALOPSA_DEFAULT_OUTCOME={notes[0]!r}" if notes else "set HALOPSA_DEFAULT_OUTCOME"
    return Row("note outcome", "fail", detail, fix)


def _medium(priorities: tuple[Priority, ...] | None) -> Row:
    """create_ticket's default priority is the one named Medium."""
    if priorities is None:
        return Row("Medium priority", "skip", "not checked: the priorities could not be read")
    # Checked as the rules choose it, per SLA and among the priorities offered.
    catalog = Catalog(statuses=(), priorities=priorities, ticket_types=(), outcomes=(), agents=())
    all_slas = {p.sla_id for p in priorities}
    slas = {s for s in all_slas if medium_priority(catalog.priorities_for(s)) is not None}
    if slas:
        return Row("Medium priority", "ok", f"found in {len(slas)} SLA(s)")
    return Row(
        "Medium priority",
        "warn",
        "no priority named Medium, create_ticket's default: it falls back to each SLA's "
        "middle priority and says so",
        "pass priority_id to create_ticket (list_priorities shows them)",
    )


def _pacing(halo: HaloSettings) -> Row:
    """The client-side pacing in force, and how to change it."""
    wait = f"waits up to {halo.max_rate_limit_wait:g}s (HALOPSA_MAX_RATE_LIMIT_WAIT) for a slot"
    if halo.rate_limit_requests:
        return Row(
            "rate limit",
            "ok",
            f"pacing at {halo.rate_limit_requests} requests per {halo.rate_limit_window:g}s "
            "(HALOPSA_RATE_LIMIT per HALOPSA_RATE_LIMIT_WINDOW; hosted HaloPSA allows 300 per "
            f"300s); a call {wait}, else is told when to come back; on-premises HaloPSA has "
            "no such quota: set HALOPSA_RATE_LIMIT=0 there to turn pacing off",
        )
    return Row(
        "rate limit",
        "note",
        "pacing off (HALOPSA_RATE_LIMIT=0): right for on-premises HaloPSA, which has no "
        "request quota",
        "hosted HaloPSA allows 300 requests per 300s: unset HALOPSA_RATE_LIMIT (or set it "
        "to 300) to pace under it",
    )


_LABELS = {"ok": "OK", "note": "NOTE", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}


def render(halo: HaloSettings, rows: Sequence[Row]) -> str:
    """The rows as a table, one line each, with the fix after each problem."""
    width = max(len(row.check) for row in rows)
    who = f"client id {halo.client_id}, tenant {halo.tenant or 'none'}, scope {halo.scope}"
    lines = [f"Checking {halo.url} ({who})"]
    for row in rows:
        fix = f" -> fix: {row.fix}" if row.fix else ""
        lines.append(f"{_LABELS[row.state]:<4}  {row.check:<{width}}  {row.detail}{fix}")
    failed = sum(row.state == "fail" for row in rows)
    lines.append(
        f"{failed} check(s) failed: the tools that need them will not work until fixed."
        if failed
        else "Every tool can work."
    )
    return "\n".join(lines)


def exit_code(rows: Sequence[Row]) -> int:
    return 1 if any(row.state == "fail" for row in rows) else 0
