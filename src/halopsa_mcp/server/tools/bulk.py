"""update_tickets: one change to many tickets, every ticket judged before any is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Annotated, TypeVar

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from halopsa_mcp.domain.records import Ticket
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.tickets import TicketChanges
from halopsa_mcp.rules.verdict import Problem, Verdict
from halopsa_mcp.server.errors import invalid, refused
from halopsa_mcp.server.models import BulkRow, BulkUpdateResult, TicketRow
from halopsa_mcp.server.resolution_check import closing_unrecorded
from halopsa_mcp.server.results import ticket_row
from halopsa_mcp.server.services import Services, services
from halopsa_mcp.server.tools.params import (
    MAX_ID,
    AgentId,
    DryRun,
    PriorityId,
    StatusId,
    Team,
)
from halopsa_mcp.server.tools.tickets import (
    NewResolution,
    PlannedUpdate,
    planned_update,
    update_inputs,
    write_update,
)

MAX_TICKETS = 50
_In = TypeVar("_In")
_Out = TypeVar("_Out")
# Tickets read at once while a batch is judged: quicker than one by one, without a burst
# that HaloPSA's request budget would make the rest of the server pay for.
_READS_AT_ONCE = 4

TicketIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]],
    Field(
        max_length=MAX_TICKETS,
        description="Each ticket once.",
    ),
]


async def update_tickets(
    ctx: Context[Services],
    ticket_ids: TicketIds,
    status_id: StatusId = None,
    priority_id: PriorityId = None,
    agent_id: AgentId = None,
    team: Team = None,
    resolution: NewResolution = None,
    dry_run: DryRun = False,
) -> BulkUpdateResult:
    """Apply one change to up to 50 tickets (IDs from search_tickets). Each must pass
    update_ticket's rules, or nothing is written. A failed write stops the batch and
    says which tickets were done, failed and not tried."""
    svc = services(ctx)
    _check_listed(ticket_ids)
    given = TicketChanges(team=team, resolution=resolution)
    changes, catalog = await update_inputs(svc, given, status_id, agent_id, priority_id)
    if changes == TicketChanges():
        raise invalid(Problem("changes", "nothing to change", "pass at least one field to update"))
    found = await _read_all(svc, ticket_ids)
    plans = [
        planned_update(ticket, changes, catalog, svc.settings.default_outcome)
        for ticket in found
        if ticket is not None
    ]
    problems = _batch_problems(ticket_ids, found, plans)
    if problems:
        raise refused(Verdict(errors=problems))
    plans = await _closes_checked(svc, plans, catalog, resolution_given=resolution is not None)
    if dry_run:
        return BulkUpdateResult(dry_run=True, tickets=[_previewed(p, catalog) for p in plans])
    return BulkUpdateResult(dry_run=False, tickets=await _write_all(ctx, plans, catalog))


async def _closes_checked(
    svc: Services, plans: list[PlannedUpdate], catalog: Catalog, *, resolution_given: bool
) -> list[PlannedUpdate]:
    """``plans``, each warned when it closes its ticket with no resolution on record."""

    async def check(plan: PlannedUpdate) -> PlannedUpdate:
        found = await closing_unrecorded(
            svc, plan.ticket, plan.status_id, catalog,
            resolution_given=resolution_given, fix="pass resolution to record what fixed it",
        )  # fmt: skip
        return replace(plan, found=found)

    return await _a_few_at_a_time(check, plans)


def _check_listed(ticket_ids: list[int]) -> None:
    """A ticket listed twice would be written twice: a slip the caller should see."""
    if not ticket_ids:
        raise invalid(Problem("ticket_ids", "is empty", "list at least one ticket to change"))
    twice = next((i for n, i in enumerate(ticket_ids) if i in ticket_ids[:n]), None)
    if twice is not None:
        raise invalid(
            Problem("ticket_ids", f"ticket {twice} is listed twice", "list each ticket once")
        )


async def _read_all(svc: Services, ticket_ids: list[int]) -> list[Ticket | None]:
    """Every ticket of the batch (None: no such ticket), in the order given; the first
    failed read fails the call, before anything is written."""

    async def read(ticket_id: int) -> Ticket | None:
        return await svc.ticket_or_none(ticket_id, write=True)

    return await _a_few_at_a_time(read, ticket_ids)


async def _a_few_at_a_time(
    each: Callable[[_In], Awaitable[_Out]], items: Sequence[_In]
) -> list[_Out]:
    """``each`` of ``items``, ``_READS_AT_ONCE`` at a time, results in the items' order;
    the first tool error fails the whole, as the caller's own error would."""
    results: dict[int, _Out] = {}
    limiter = anyio.CapacityLimiter(_READS_AT_ONCE)

    async def one(index: int, item: _In) -> None:
        async with limiter:
            results[index] = await each(item)

    try:
        async with anyio.create_task_group() as tasks:
            for index, item in enumerate(items):
                tasks.start_soon(one, index, item)
    except* ToolError as failed:
        raise failed.exceptions[0] from None
    return [results[index] for index in range(len(items))]


def _batch_problems(
    ticket_ids: list[int], found: list[Ticket | None], plans: list[PlannedUpdate]
) -> tuple[Problem, ...]:
    """Every ticket's broken rules, each problem told once with the tickets it holds for:
    a change that breaks a rule often breaks it for many of them alike."""
    missing = Problem(
        "ticket_ids", "does not exist", "find the right ID with search_tickets, or leave it out"
    )
    holds: dict[Problem, list[int]] = {}
    for ticket_id, ticket in zip(ticket_ids, found, strict=True):
        if ticket is None:
            holds.setdefault(missing, []).append(ticket_id)
    for plan in plans:
        for problem in plan.verdict.errors:
            holds.setdefault(problem, []).append(plan.ticket.id)
    return tuple(
        Problem(f"{_tickets(ids)}: {problem.field}", problem.message, problem.fix)
        for problem, ids in holds.items()
    )


def _previewed(plan: PlannedUpdate, catalog: Catalog) -> BulkRow:
    """The ticket as the writes of a dry run would leave it."""
    split = plan.split
    after = (
        (split.action.new_status_id if split.action else None)
        or (split.ticket.status_id if split.ticket else None)
        or plan.ticket.status_id
    )
    return _row(ticket_row(replace(plan.ticket, status_id=after), catalog), plan.warnings)


async def _write_all(
    ctx: Context[Services], plans: list[PlannedUpdate], catalog: Catalog
) -> list[BulkRow]:
    """Each ticket's writes in turn. A failure stops the batch, whether or not HaloPSA
    acted on it: the tickets after it are left for the caller to send again, knowingly."""
    svc = services(ctx)
    rows: list[BulkRow] = []
    for index, plan in enumerate(plans):
        try:
            written = await write_update(svc, plan, catalog)
        except ToolError as failed:
            raise _stopped(plans, index, failed) from None
        assert written.ticket is not None  # a write that returns has saved the ticket
        rows.append(_row(written.ticket, written.warnings))
        done = index + 1
        await ctx.report_progress(done, len(plans), f"updated {done} of {len(plans)} tickets")
    return rows


def _stopped(plans: list[PlannedUpdate], index: int, failed: ToolError) -> ToolError:
    """The batch's outcome when the write of ``plans[index]`` failed: ``failed`` tells
    whether HaloPSA may have acted on that one."""
    ids = [plan.ticket.id for plan in plans]
    done, failing, rest = ids[:index], ids[index], ids[index + 1 :]
    told = " ".join(str(failed).split())
    return ToolError(
        "\n".join(
            (
                f"The batch stopped at ticket {failing}: its write failed.",
                f"Done: {_tickets(done) if done else 'none'}.",
                f"Failed: ticket {failing}: {told}",
                f"Not attempted (nothing sent): {_tickets(rest) if rest else 'none'}.",
                "Do not send the done tickets again. Settle the failed one as its message "
                "says, then call again with only the tickets not attempted.",
            )
        )
    )


def _row(ticket: TicketRow, warnings: list[str]) -> BulkRow:
    return BulkRow(
        id=ticket.id,
        summary=ticket.summary,
        status_id=ticket.status_id,
        status=ticket.status,
        warnings=warnings,
    )


def _tickets(ids: Sequence[int]) -> str:
    listed = ", ".join(str(i) for i in ids)
    return f"ticket {listed}" if len(ids) == 1 else f"tickets {listed}"
