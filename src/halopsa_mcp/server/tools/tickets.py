"""search_tickets, get_ticket, create_ticket, update_ticket."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from halopsa_mcp.client import preview
from halopsa_mcp.client.api import OnPage, Page
from halopsa_mcp.domain import search as ticket_search
from halopsa_mcp.domain.records import Action, Site, Ticket, TicketRow, User
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.domain.writes import ActionWrite, TicketWrite
from halopsa_mcp.rules.actions import newest_first
from halopsa_mcp.rules.catalog import Catalog, Lookup
from halopsa_mcp.rules.duplicates import duplicates_verdict, scan_verdict, similar_tickets
from halopsa_mcp.rules.resolution import (
    ResolvingWrites,
    resolution_of,
    resolving_writes,
    unkept,
)
from halopsa_mcp.rules.sla import SlaState
from halopsa_mcp.rules.tickets import (
    NewTicket,
    TicketChanges,
    TicketPlan,
    plan_new_ticket,
    plan_ticket_update,
    ticket_state,
)
from halopsa_mcp.rules.verdict import Problem, Verdict
from halopsa_mcp.rules.wording import label, shown, use_one_of
from halopsa_mcp.server.errors import halo_errors, invalid, refused
from halopsa_mcp.server.for_the_model import readable
from halopsa_mcp.server.models import ActionRow, TicketDetail, TicketPage, TicketWriteResult
from halopsa_mcp.server.names import client_id_of, named_ids, user_id_of
from halopsa_mcp.server.open_search import open_tickets, sla_tickets
from halopsa_mcp.server.resolution_check import closing_unrecorded
from halopsa_mcp.server.results import action_row, ticket_detail, ticket_row
from halopsa_mcp.server.services import NAMES, TICKET_WRITES, Services, no_such_ticket, services
from halopsa_mcp.server.tools.params import (
    MAX_ID,
    AgentId,
    Category,
    ClientIdOrName,
    ClientRef,
    DryRun,
    IdOrName0,
    IdOrName1,
    NewSummary,
    PriorityId,
    StatusId,
    Summary,
    Team,
    TicketId,
    TicketTypeId,
)

# Outcomes too: a resolution is recorded by an action with one (the lookup is cached).
_TICKET_WRITES_USE: tuple[Lookup, ...] = ("agents", "teams", "outcomes")
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Open tickets of one client compared against a new summary, newest first: five pages.
# A client with more open tickets than this gets a warning that older ones were not read.
DUPLICATE_SCAN = 500


# search_tickets' filters.
SearchText = Annotated[
    str | None,
    Field(max_length=200, description="Words in summary or details, or a ticket number."),
]
OnlyClient = Annotated[ClientRef | None, Field(description="ID or name.")]
OnlyStatus = Annotated[IdOrName0 | None, Field(description="ID or name.")]
OnlyAgent = Annotated[IdOrName0 | None, Field(description="ID or name.")]
OnlyType = Annotated[IdOrName1 | None, Field(description="ID or name.")]
OpenOnly = Annotated[bool, Field(description="Leave out resolved and closed tickets.")]
DateField = Annotated[
    ticket_search.DateField,
    Field(description="The date date_from and date_to filter on."),
]
DateFrom = Annotated[date | None, Field(description="On or after.")]
DateTo = Annotated[date | None, Field(description="On or before.")]
OrderBy = ticket_search.OrderBy
OnlySla = Annotated[
    list[SlaState] | None,
    Field(
        max_length=5,
        description=(
            "at_risk: under an hour left. Soonest fix-by first; tickets without "
            "a deadline never match."
        ),
    ),
]
Descending = bool
RowsPerPage = Annotated[int, Field(ge=1, le=100)]
PageNumber = Annotated[int, Field(ge=1, le=10_000)]

# get_ticket's options.
IncludeActions = Annotated[int, Field(ge=0, le=50)]
ExtraFields = Annotated[
    list[str],
    Field(
        max_length=20,
        description=(
            "HaloPSA's own ticket field names to add as they come; names this "
            "ticket lacks are listed in missing_fields."
        ),
    ),
]

# create_ticket's and update_ticket's own fields.
SiteId = Annotated[int | None, Field(ge=1, le=MAX_ID, description="Default: the user's site.")]
UserId = Annotated[
    IdOrName1 | None,
    Field(description="End user reporting it, ID or name (search_directory)."),
]
Details = Annotated[str | None, Field(max_length=50_000, description="Plain text.")]
NewDetails = Annotated[str | None, Field(max_length=50_000, description="Plain text.")]
Resolution = Annotated[
    str | None,
    Field(
        max_length=50_000,
        description="What fixed it; needed to create it resolved or closed.",
    ),
]
NewResolution = Annotated[
    str | None,
    Field(
        max_length=50_000,
        description="What fixed it; needed to resolve or close.",
    ),
]
NotDuplicate = Annotated[bool, Field(description="Create even if a similar open ticket exists.")]


async def search_tickets(
    ctx: Context[Services],
    text: SearchText = None,
    client_id: OnlyClient = None,
    status_id: OnlyStatus = None,
    agent_id: OnlyAgent = None,
    ticket_type_id: OnlyType = None,
    open_only: OpenOnly = True,
    date_field: DateField = "opened",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    sla: OnlySla = None,
    order_by: OrderBy = "id",
    descending: Descending = True,
    limit: RowsPerPage = 20,
    page: PageNumber = 1,
) -> TicketPage:
    """Find tickets by text, client, status, agent, type, date or SLA state; open
    ones only unless open_only=false or status_id is given. About to breach:
    sla=["breached","at_risk"]. Text result: a JSON line, then CSV rows (names stand
    for IDs; the tools take either).
    """
    svc = services(ctx)
    if client_id is not None:
        client_id = await client_id_of(svc, client_id, write=False, include_inactive=True)
    named = {"status_id": status_id, "agent_id": agent_id, "ticket_type_id": ticket_type_id}
    ids = await named_ids(svc, write=False, **named)
    status_id, agent_id, ticket_type_id = ids["status_id"], ids["agent_id"], ids["ticket_type_id"]
    catalog = await _checked_filters(svc, status_id, agent_id, ticket_type_id, date_from, date_to)
    search = TicketSearch(
        text=_search_text(text),
        client_id=client_id,
        status_id=status_id,
        agent_id=agent_id,
        ticket_type_id=ticket_type_id,
        # A status asked for by ID is wanted even if it is a closed one.
        open_only=open_only and status_id is None,
        date_field=date_field,
        date_from=date_from,
        date_to=date_to,
        order_by=order_by,
        descending=descending,
    )
    now = datetime.now(UTC)
    with halo_errors("search tickets", write=False):
        found, note = await _found(ctx, search, catalog, sla, now, limit=limit, page=page)
    return TicketPage(
        tickets=[ticket_row(t, catalog, now=now) for t in found.items],
        total=found.total,
        page=page,
        limit=limit,
        has_more=found.has_more,
        note=note,
    )


async def _found(
    ctx: Context[Services],
    search: TicketSearch,
    catalog: Catalog,
    sla: list[SlaState] | None,
    now: datetime,
    *,
    limit: int,
    page: int,
) -> tuple[Page[TicketRow], str | None]:
    """One page of the search's tickets, and what the reader must know of its limits."""
    halo = services(ctx).halo
    window = {"limit": limit, "offset": (page - 1) * limit}
    on_page = _progress_to(ctx, "tickets")
    if sla:
        found = await sla_tickets(
            halo, search, catalog, frozenset(sla), now=now, **window, on_page=on_page
        )
        return found.page, found.note
    if search.open_only:
        seen = services(ctx).open_filter
        rows = await open_tickets(halo, search, catalog, **window, seen=seen, on_page=on_page)
        return rows, None
    return await halo.list_tickets(search, **window, on_page=on_page), None


async def _checked_filters(
    svc: Services,
    status_id: int | None,
    agent_id: int | None,
    ticket_type_id: int | None,
    date_from: date | None,
    date_to: date | None,
) -> Catalog:
    """The catalog for a search, once its filters are known to make sense: every problem
    refused at once. A filter by ID is checked against its lookup; the rest only names
    the rows."""
    filters: dict[Lookup, int | None] = {"statuses": status_id, "ticket_types": ticket_type_id}
    needs = [name for name, value in filters.items() if value is not None]
    catalog = await svc.catalog(*needs, uses=NAMES)
    problems = _filter_problems(catalog, status_id, agent_id, ticket_type_id)
    if date_from and date_to and date_from > date_to:
        problems.append(Problem("date_from", "is after date_to", "swap the two dates"))
    if problems:
        raise refused(Verdict(errors=tuple(problems)), write=False)
    return catalog


async def get_ticket(
    ctx: Context[Services],
    ticket_id: TicketId,
    include_actions: IncludeActions = 5,
    # pydantic copies defaults; the schema needs a list here.
    extra_fields: ExtraFields = [],  # noqa: B006
) -> TicketDetail:
    """One ticket in full: details, people, status, resolution, SLA deadlines where
    HaloPSA has them, and its latest actions. Read it before changing a ticket.
    """
    svc = services(ctx)
    bad = [name for name in extra_fields if not _FIELD_NAME.match(name)]
    if bad:
        raise invalid(
            Problem(
                "extra_fields",
                f"{shown(bad[0])} is not a field name",
                "use names like fixbydate",
            ),
            write=False,
        )
    catalog = await svc.catalog(uses=NAMES)
    ticket, history = await _ticket_and_history(svc, ticket_id, with_history=include_actions > 0)
    closes = catalog.closes(ticket.status_id)
    # A resolved ticket without a closure note has its resolution in an action: only then
    # is the history read for it alone.
    if closes and not ticket.resolution.strip():
        # An action may name only its outcome: which status that sets is the outcome's.
        catalog = await svc.catalog(uses=(*NAMES, "outcomes"))
        history = await _history(svc, ticket_id) if history is None else history
    history = history or []
    actions = [action_row(a, catalog) for a in history[:include_actions]]
    found = resolution_of(ticket.resolution, closes=closes, actions=history, catalog=catalog)
    # Asked for by HaloPSA's own names: passed through as the ticket came.
    extra = {name: _shown_raw(ticket.raw[name]) for name in extra_fields if name in ticket.raw}
    missing = [name for name in extra_fields if name not in ticket.raw]
    return ticket_detail(replace(ticket, resolution=found), catalog, actions, extra, missing)


async def _ticket_and_history(
    svc: Services, ticket_id: int, *, with_history: bool
) -> tuple[Ticket, list[Action] | None]:
    """The ticket and, ``with_history``, its actions, both asked for at once: the call
    waits for one HaloPSA round trip, not two in a row. A missing ticket is reported as
    missing whatever the actions read gave."""
    if not with_history:
        ticket = await svc.ticket_or_none(ticket_id)
        if ticket is None:
            raise no_such_ticket(ticket_id)
        return ticket, None
    history: list[list[Action] | ToolError] = []

    async def read_history() -> None:
        try:
            history.append(await _history(svc, ticket_id))
        except ToolError as failed:
            history.append(failed)

    try:
        async with anyio.create_task_group() as reads:
            reads.start_soon(read_history)
            ticket = await svc.ticket_or_none(ticket_id)
            if ticket is None:
                # Its history would only delay saying so (retrying, say, a 429).
                reads.cancel_scope.cancel()
    except* ToolError as failed:
        # Only the ticket's own read raises here: its error says what went wrong.
        raise failed.exceptions[0] from None
    if ticket is None:
        raise no_such_ticket(ticket_id)
    if isinstance(history[0], ToolError):
        raise history[0]
    return ticket, history[0]


async def _history(svc: Services, ticket_id: int) -> list[Action]:
    with halo_errors(f"read the actions of ticket {ticket_id}", write=False):
        # The whole history, sorted here: see list_actions.
        return newest_first((await svc.halo.list_actions(ticket_id)).items)


async def create_ticket(
    ctx: Context[Services],
    summary: Summary,
    client_id: ClientIdOrName,
    ticket_type_id: TicketTypeId = None,
    status_id: StatusId = None,
    priority_id: PriorityId = None,
    agent_id: AgentId = None,
    site_id: SiteId = None,
    user_id: UserId = None,
    team: Team = None,
    category: Category = None,
    details: Details = None,
    resolution: Resolution = None,
    not_duplicate: NotDuplicate = False,
    dry_run: DryRun = False,
) -> TicketWriteResult:
    """Log a new ticket for a client. ticket_type_id is needed unless the server
    has a default; status and priority default to the type's, named in warnings. A
    similar open ticket of the client refuses it: add_action there, or
    not_duplicate=true.
    """
    svc = services(ctx)
    client_id = await client_id_of(svc, client_id, write=True)
    user_id = await user_id_of(svc, client_id, user_id, write=True)
    named = {"ticket_type_id": ticket_type_id, "status_id": status_id, "agent_id": agent_id}
    ids = await named_ids(svc, write=True, **named, priority_id=priority_id)
    ticket_type_id, status_id, agent_id = ids["ticket_type_id"], ids["status_id"], ids["agent_id"]
    priority_id = ids["priority_id"]
    catalog = await svc.catalog(*TICKET_WRITES, uses=_TICKET_WRITES_USE, write=True)
    with halo_errors(f"look up client {client_id}", write=True):
        client = await svc.catalogs.client(client_id)
        sites = await _names_by_id(svc.halo.list_sites, client_id) if client and site_id else None
        found = await svc.halo.list_users(client_id=client_id) if client and user_id else None
    users = _names(found) if found is not None else None
    site_id, site_note = (site_id, Verdict()) if site_id else _users_site(found, user_id)
    plan = plan_new_ticket(
        NewTicket(
            summary=summary, client_id=client_id, ticket_type_id=ticket_type_id,
            status_id=status_id, priority_id=priority_id, agent_id=agent_id,
            site_id=site_id, user_id=user_id, team=team, category=category,
            details=details, resolution=resolution,
        ),
        catalog,
        client_exists=client is not None,
        client_active=not (client and client.inactive),
        client_sites=sites,
        client_users=users,
        default_ticket_type_id=svc.settings.default_ticket_type_id,
    )  # fmt: skip
    plan = replace(plan, verdict=plan.verdict + site_note)
    scan = client is not None and bool(summary.strip()) and not not_duplicate
    return await _checked_create(ctx, plan, catalog, client_id, summary, scan=scan, dry_run=dry_run)


async def update_ticket(
    ctx: Context[Services],
    ticket_id: TicketId,
    summary: NewSummary = None,
    details: NewDetails = None,
    status_id: StatusId = None,
    priority_id: PriorityId = None,
    agent_id: AgentId = None,
    team: Team = None,
    category: Category = None,
    resolution: NewResolution = None,
    dry_run: DryRun = False,
) -> TicketWriteResult:
    """Change the given fields of a ticket. Resolving or closing needs a resolution
    (here or on the ticket), recorded as an internal action (no email). Notes, time
    and customer updates: add_action.
    """
    svc = services(ctx)
    given = TicketChanges(summary=summary, details=details, team=team, category=category,
                         resolution=resolution)  # fmt: skip
    changes, catalog = await update_inputs(svc, given, status_id, agent_id, priority_id)
    ticket = await svc.ticket_or_none(ticket_id, write=True)
    if ticket is None:
        raise no_such_ticket(ticket_id, write=True)
    planned = planned_update(ticket, changes, catalog, svc.settings.default_outcome)
    if not planned.verdict.ok:
        raise refused(planned.verdict)
    found = await closing_unrecorded(
        svc, ticket, planned.status_id, catalog,
        resolution_given=resolution is not None, fix="pass resolution to record what fixed it",
    )  # fmt: skip
    planned = replace(planned, found=found)
    if dry_run:
        return _dry_run(planned.split, planned.warnings)
    return await write_update(svc, planned, catalog)


async def update_inputs(
    svc: Services,
    changes: TicketChanges,
    status_id: int | str | None,
    agent_id: int | str | None,
    priority_id: int | str | None,
) -> tuple[TicketChanges, Catalog]:
    """An update's ``changes`` with the IDs given by name made IDs, and the lookups the
    rules judge it by. A name unknown or ambiguous is refused here, before any ticket is
    read."""
    named = {"status_id": status_id, "agent_id": agent_id, "priority_id": priority_id}
    ids = await named_ids(svc, write=True, **named)
    catalog = await svc.catalog(*TICKET_WRITES, uses=_TICKET_WRITES_USE, write=True)
    changes = replace(
        changes,
        status_id=ids["status_id"],
        agent_id=ids["agent_id"],
        priority_id=ids["priority_id"],
    )
    return changes, catalog


@dataclass(frozen=True)
class PlannedUpdate:
    """One ticket's update as the rules judged it, split into the writes that carry it.
    Write only when ``verdict.ok``."""

    ticket: Ticket
    verdict: Verdict
    split: ResolvingWrites
    status_id: int | None
    # Warnings that needed a request to find (a close with no resolution on record).
    found: tuple[str, ...] = ()

    @property
    def warnings(self) -> list[str]:
        return [*self.verdict.warnings, *self.split.warnings, *self.found]


def planned_update(
    ticket: Ticket, changes: TicketChanges, catalog: Catalog, default_outcome: str
) -> PlannedUpdate:
    """``changes`` to ``ticket`` judged by the rules, and the writes they become."""
    state = ticket_state(ticket, catalog)
    plan = plan_ticket_update(state, changes, catalog)
    split = resolving_writes(
        plan.ticket,
        state,
        catalog,
        default_outcome=default_outcome,
        stored_note=bool(ticket.resolution.strip()),
    )
    return PlannedUpdate(ticket, plan.verdict, split, plan.ticket.status_id)


async def write_update(
    svc: Services, planned: PlannedUpdate, catalog: Catalog
) -> TicketWriteResult:
    """The ticket's fields, then the action recording its resolution; each sent once."""
    ticket, split = planned.ticket, planned.split
    saved = ticket
    if split.ticket is not None:
        tied = {"status_id": split.ticket.status_id, "ticket_type_id": ticket.ticket_type_id}
        with halo_errors(f"update ticket {ticket.id}", write=True, inputs=tied):
            saved = await svc.halo.update_ticket(ticket.id, split.ticket)
    action = None
    if split.action is not None:
        already = _fields_saved(ticket.id, split.ticket) if split.ticket else ""
        action = await _resolving_action(svc, split.action, catalog, already=already)
        # The action moved the ticket; the ticket's own answer came before it.
        saved = replace(saved, status_id=split.action.new_status_id)
    return _written(split, saved, action, catalog, planned.warnings)


def _dry_run(split: ResolvingWrites, warnings: list[str]) -> TicketWriteResult:
    """What a write would send: the ticket's fields, then the resolving action (without
    a ticket ID while the ticket is yet to be created)."""
    action = preview(split.action) if split.action else None
    if action and split.action and not split.action.ticket_id:
        del action["ticket_id"]
    return TicketWriteResult(
        dry_run=True,
        would_send=preview(split.ticket) if split.ticket else None,
        would_add_action=action,
        warnings=warnings,
    )


def _written(
    split: ResolvingWrites,
    ticket: Ticket,
    action: Action | None,
    catalog: Catalog,
    warnings: list[str],
) -> TicketWriteResult:
    """The result of the writes of ``split``: the ticket as saved, the resolving action."""
    if action is None:
        warnings = [*warnings, *unkept(split.ticket, ticket.resolution)]
    row: ActionRow | None = action_row(action, catalog) if action else None
    return TicketWriteResult(
        dry_run=False, ticket=ticket_row(ticket, catalog), action=row, warnings=warnings
    )


# Domain fields named as the tools' arguments, for telling what a partial write saved.
_ARGUMENTS = {"details_html": "details", "resolution_html": "resolution (as its closure note)"}


def _fields_saved(ticket_id: int, write: TicketWrite) -> str:
    given = [f.name for f in fields(write) if getattr(write, f.name) is not None]
    names = [_ARGUMENTS.get(name, name) for name in given]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Part of this update was written: ticket {ticket_id}'s {listed} "
        f"{'was' if len(names) == 1 else 'were'} saved, without the status change; do not "
        "send them again. The resolution and the status change go in a separate action,"
        " and that failed."
    )


async def _resolving_action(
    svc: Services, action: ActionWrite, catalog: Catalog, *, already: str
) -> Action:
    """Add the action recording a resolution; its failure tells what ``already`` was
    saved, and how to finish without repeating it."""
    status_id = action.new_status_id or 0
    status = catalog.status(status_id)
    name = label(status.id, status.name) if status else str(status_id)
    doing = (
        f"add the internal action recording the resolution and moving ticket "
        f"{action.ticket_id} to {name} (add_action with the resolution as note and "
        f"new_status_id={status_id} does the same)"
    )
    with halo_errors(
        doing,
        write=True,
        check_with=f"list_actions (ticket_id={action.ticket_id})",
        inputs={"outcome_id": action.outcome_id},
        already=already,
    ):
        return await svc.halo.add_action(action)


async def _checked_create(
    ctx: Context[Services],
    plan: TicketPlan,
    catalog: Catalog,
    client_id: int,
    summary: str,
    *,
    scan: bool,
    dry_run: bool,
) -> TicketWriteResult:
    """The plan written (or, for a dry run, shown) once it and, when ``scan``, the
    duplicate check pass."""
    svc = services(ctx)
    split = resolving_writes(
        plan.ticket, None, catalog, default_outcome=svc.settings.default_outcome
    )
    # One checked create per client at a time: the duplicate scan must see the ticket
    # a concurrent call is creating, so the lock spans "scan, then create". A create
    # declared new does not scan, so it need not wait.
    async with svc.creates.held(client_id) if scan else nullcontext():
        verdict = plan.verdict
        if scan:
            verdict = verdict + await _duplicate_check(ctx, client_id, summary, catalog)
        if not verdict.ok:
            raise refused(verdict)
        warnings = [*verdict.warnings, *split.warnings]
        if dry_run:
            return _dry_run(split, warnings)
        saved = await _create_and_remember(svc, client_id, plan)
    action = None
    if split.action is not None:
        already = (
            f"Ticket {saved.id} was created: do NOT create it again. Its resolution is "
            "recorded by a separate action, and that failed."
        )
        action_write = replace(split.action, ticket_id=saved.id)
        action = await _resolving_action(svc, action_write, catalog, already=already)
    return _written(split, saved, action, catalog, warnings)


async def _duplicate_check(
    ctx: Context[Services], client_id: int, summary: str, catalog: Catalog
) -> Verdict:
    """The client's open tickets like ``summary``: the newest first, since a duplicate is
    most likely of a recent ticket, plus the ones this process just created (HaloPSA's
    list may not show them yet)."""
    svc = services(ctx)
    with halo_errors("check for duplicate tickets", write=True):
        open_tickets = await svc.halo.list_tickets(
            TicketSearch(client_id=client_id, open_only=True, order_by="id", descending=True),
            limit=DUPLICATE_SCAN,
            on_page=_progress_to(ctx, "open tickets for the duplicate check"),
        )
    listed = {t.id: t.summary for t in open_tickets.items}
    unlisted = [(i, s) for i, s in svc.creates.recent(client_id) if i not in listed]
    # These summaries go back to the model inside the refusal: cleaned like any ticket text.
    rows = [(i, readable(s, limit=200)) for i, s in [*listed.items(), *unlisted]]
    # Each candidate's status decides the advice: some instances list resolved tickets
    # as open.
    status_of = {t.id: _status_of(t, catalog) for t in open_tickets.items}
    candidates = similar_tickets(summary, rows, status_of=status_of)
    return duplicates_verdict(candidates) + scan_verdict(
        len(open_tickets.items), open_tickets.total
    )


def _status_of(ticket: TicketRow, catalog: Catalog) -> tuple[str, bool]:
    status = catalog.status(ticket.status_id) if ticket.status_id is not None else None
    return (status.name if status else "", catalog.closes(ticket.status_id))


def _progress_to(ctx: Context[Services], what: str) -> OnPage:
    """The client's page hook as MCP progress; the SDK sends nothing unless the caller
    asked for progress (a progressToken in the request)."""

    async def report(done: int, expected: int) -> None:
        await ctx.report_progress(done, expected, f"read {done} of {expected} {what}")

    return report


async def _create_and_remember(svc: Services, client_id: int, plan: TicketPlan) -> Ticket:
    """Create the ticket and remember it for the next duplicate scan."""
    with halo_errors(
        "create the ticket",
        write=True,
        check_with="search_tickets (this client, open tickets, newest first)",
        inputs={"ticket_type_id": plan.ticket.ticket_type_id},
    ):
        saved = await svc.halo.create_ticket(plan.ticket)
    svc.creates.remember(client_id, saved.id, saved.summary or plan.ticket.summary or "")
    return saved


async def _names_by_id(
    fetch: Callable[..., Awaitable[list[Site]]], client_id: int
) -> dict[int, str]:
    """A client's sites as {id: name}, for the rules to check one against."""
    return _names(await fetch(client_id=client_id))


def _names(found: list[Site] | list[User]) -> dict[int, str]:
    return {r.id: readable(r.name, limit=100) for r in found}


def _users_site(users: list[User] | None, user_id: int | None) -> tuple[int | None, Verdict]:
    """HaloPSA refuses a user without a site; the user's own site is the one meant, and
    the caller is told it was chosen."""
    user = next((u for u in users or [] if u.id == user_id), None)
    if user is None or user.site_id is None:
        return None, Verdict()
    who = label(user.id, readable(user.name, limit=100))
    return user.site_id, Verdict(
        warnings=(
            f"site_id not given: site {user.site_id} chosen, the own site of user {who}, "
            "since HaloPSA requires a site with a user; pass site_id to choose another",
        )
    )


def _filter_problems(
    catalog: Catalog, status_id: int | None, agent_id: int | None, ticket_type_id: int | None
) -> list[Problem]:
    """Filters naming IDs the instance lacks would match nothing, silently; say so instead.
    The lookups are cached, so checking costs no request."""
    problems = []
    if status_id is not None and catalog.status(status_id) is None:
        choices = use_one_of((s.id, s.name) for s in catalog.statuses)
        problems.append(Problem("status_id", f"status {status_id} does not exist", choices))
    if ticket_type_id is not None and catalog.ticket_type(ticket_type_id) is None:
        problems.append(
            Problem(
                "ticket_type_id",
                f"ticket type {ticket_type_id} does not exist",
                "pick an ID from list_ticket_types",
            )
        )
    if agent_id and "agents" not in catalog.unreadable and catalog.agent(agent_id) is None:
        problems.append(
            Problem(
                "agent_id",
                f"agent {agent_id} does not exist",
                "find the agent's ID with search_directory (kind=agents), or leave it out",
            )
        )
    return problems


def _search_text(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    # "#1116" is how people write a ticket number; HaloPSA matches the bare number.
    stripped = text.strip()
    return stripped[1:] if stripped.startswith("#") and stripped[1:].isdigit() else stripped


def _shown_raw(value: Any) -> Any:
    """A raw field's value, safe to show: numbers as they are, anything else as clean text."""
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return readable(text, limit=2000)
