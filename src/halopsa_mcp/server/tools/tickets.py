"""search_tickets, get_ticket, create_ticket, update_ticket."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import UTC, date, datetime
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import Field

from halopsa_mcp.client import preview
from halopsa_mcp.client.api import OnPage, Page
from halopsa_mcp.domain import search as ticket_search
from halopsa_mcp.domain.records import Site, Ticket, User
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.rules.actions import newest_first
from halopsa_mcp.rules.catalog import Catalog, Lookup
from halopsa_mcp.rules.duplicates import duplicates_verdict, scan_verdict, similar_tickets
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
from halopsa_mcp.rules.wording import shown, use_one_of
from halopsa_mcp.server.errors import halo_errors, invalid, refused
from halopsa_mcp.server.for_the_model import readable
from halopsa_mcp.server.models import TicketDetail, TicketPage, TicketWriteResult
from halopsa_mcp.server.open_search import open_tickets, sla_tickets
from halopsa_mcp.server.results import action_row, ticket_detail, ticket_row
from halopsa_mcp.server.services import NAMES, TICKET_WRITES, Services, no_such_ticket, services
from halopsa_mcp.server.tools.params import (
    MAX_ID,
    AgentId,
    Category,
    ClientId,
    DryRun,
    NewSummary,
    PriorityId,
    StatusId,
    Summary,
    Team,
    TicketId,
    TicketTypeId,
)

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Open tickets of one client compared against a new summary, newest first: five pages.
# A client with more open tickets than this gets a warning that older ones were not read.
DUPLICATE_SCAN = 500


# search_tickets' filters.
SearchText = Annotated[
    str | None,
    Field(max_length=200, description="Words to find in summaries and details, or an ID."),
]
OnlyClient = Annotated[int | None, Field(ge=1, le=MAX_ID, description="Only this client.")]
OnlyStatus = Annotated[int | None, Field(ge=0, le=MAX_ID, description="Only this status.")]
OnlyAgent = Annotated[int | None, Field(ge=0, le=MAX_ID, description="Only this agent's.")]
OnlyType = Annotated[int | None, Field(ge=1, le=MAX_ID, description="Only this type.")]
OpenOnly = Annotated[
    bool, Field(description="Leave out resolved and closed (ignored with status_id).")
]
DateField = Annotated[
    ticket_search.DateField,
    Field(description="Which date date_from and date_to filter on: opened or closed."),
]
DateFrom = Annotated[date | None, Field(description="On or after (YYYY-MM-DD).")]
DateTo = Annotated[date | None, Field(description="On or before (YYYY-MM-DD).")]
OrderBy = Annotated[
    ticket_search.OrderBy, Field(description="Sort key; fix_by: the SLA fix-by deadline.")
]
OnlySla = Annotated[
    list[SlaState] | None,
    Field(
        max_length=5,
        description=(
            'Only tickets in these SLA states, e.g. ["breached", "at_risk"] (under an '
            "hour left); soonest fix-by first. Tickets without an SLA never match."
        ),
    ),
]
Descending = Annotated[bool, Field(description="Newest / highest first.")]
RowsPerPage = Annotated[int, Field(ge=1, le=100, description="Rows per page.")]
PageNumber = Annotated[int, Field(ge=1, le=10_000, description="Page number, from 1.")]

# get_ticket's options.
IncludeActions = Annotated[
    int, Field(ge=0, le=50, description="How many recent actions (notes) to include.")
]
ExtraFields = Annotated[
    list[str],
    Field(
        max_length=20,
        description=(
            "Extra raw HaloPSA ticket fields to include, e.g. ['fixbydate']; names the "
            "ticket does not have come back in missing_fields."
        ),
    ),
]

# create_ticket's and update_ticket's own fields.
SiteId = Annotated[int | None, Field(ge=1, le=MAX_ID, description="The client's site.")]
UserId = Annotated[int | None, Field(ge=1, le=MAX_ID, description="The reporting end user.")]
Details = Annotated[str | None, Field(max_length=50_000, description="Description, plain text.")]
NewDetails = Annotated[
    str | None, Field(max_length=50_000, description="New description, plain text.")
]
Resolution = Annotated[
    str | None,
    Field(max_length=50_000, description="Closure note; required to create it resolved."),
]
NewResolution = Annotated[
    str | None,
    Field(
        max_length=50_000,
        description="Closure note; required when moving to Resolved or Closed.",
    ),
]
NotDuplicate = Annotated[
    bool, Field(description="True: create even if a similar open ticket exists.")
]


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
    """Find tickets by text, client, status, agent, type, date or SLA state; newest
    first by default.

    Returns compact rows (ID, summary, client, status, priority, agent, dates, SLA
    state when HaloPSA sends its deadlines) with names resolved, the total number of
    matches and whether more pages exist. Use it to find a ticket's ID before
    get_ticket, update_ticket or add_action, and to check for an existing ticket
    before creating one. Open tickets only unless open_only is false or a status_id is
    given. A ticket number as text finds that ticket. Tickets about to breach their
    SLA: sla=["breached", "at_risk"].
    """
    svc = services(ctx)
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
) -> tuple[Page[Ticket], str | None]:
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
        return await open_tickets(halo, search, catalog, **window, on_page=on_page), None
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
    """One ticket in full: details, client, site, user, status, priority, agent, team,
    resolution, SLA state and deadlines (when HaloPSA sends them) and its most recent
    actions, with every ID resolved to a name.

    Use it before changing a ticket, to see its current status and history.
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
    ticket = await svc.ticket_or_none(ticket_id)
    if ticket is None:
        raise no_such_ticket(ticket_id)
    actions = []
    if include_actions:
        with halo_errors(f"read the actions of ticket {ticket_id}", write=False):
            # The whole history, sorted here: see list_actions.
            page = await svc.halo.list_actions(ticket_id)
        recent = newest_first(page.items)[:include_actions]
        actions = [action_row(a, catalog) for a in recent]
    # Asked for by HaloPSA's own names: passed through as the ticket came.
    extra = {name: _shown_raw(ticket.raw[name]) for name in extra_fields if name in ticket.raw}
    missing = [name for name in extra_fields if name not in ticket.raw]
    return ticket_detail(ticket, catalog, actions, extra, missing)


async def create_ticket(
    ctx: Context[Services],
    summary: Summary,
    client_id: ClientId,
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
    """Log a new ticket for a client, after checking HaloPSA's ticket rules.

    summary and client_id are required. ticket_type_id is required unless the server
    has a default. status_id defaults to the ticket type's initial status (usually
    New) and priority_id to the SLA's Medium, else its middle priority, named in the
    warnings (list_statuses and list_priorities show them). A similar open ticket
    for the same client refuses the create and names it: add a note there with
    add_action instead, or pass not_duplicate=true. On any broken rule nothing is
    written and the error lists every fix. dry_run=true previews.
    """
    svc = services(ctx)
    catalog = await svc.catalog(*TICKET_WRITES, uses=("agents", "teams"), write=True)
    with halo_errors(f"look up client {client_id}", write=True):
        client = await svc.catalogs.client(client_id)
        sites = await _names_by_id(svc.halo.list_sites, client_id) if client and site_id else None
        found = await svc.halo.list_users(client_id=client_id) if client and user_id else None
    users = _names(found) if found is not None else None
    # HaloPSA refuses a user without a site; the user's own site is the one meant.
    site_id = site_id or _site_of(found or [], user_id)
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
    """Change some fields of a ticket; fields not given are left as they are.

    A status change follows the rules: Resolved or Closed needs a resolution (here or
    already on the ticket); In Progress without an agent, and closing straight from
    New, are allowed with a warning. To log work or talk to the customer, use
    add_action instead. On any broken rule nothing is written and the error lists
    every fix. dry_run=true previews.
    """
    svc = services(ctx)
    catalog = await svc.catalog(*TICKET_WRITES, uses=("agents", "teams"), write=True)
    ticket = await svc.ticket_or_none(ticket_id, write=True)
    if ticket is None:
        raise no_such_ticket(ticket_id, write=True)
    plan = plan_ticket_update(
        ticket_state(ticket, catalog),
        TicketChanges(
            summary=summary, details=details, status_id=status_id,
            priority_id=priority_id, agent_id=agent_id, team=team, category=category,
            resolution=resolution,
        ),
        catalog,
    )  # fmt: skip
    if not plan.verdict.ok:
        raise refused(plan.verdict)
    warnings = list(plan.verdict.warnings)
    if dry_run:
        return TicketWriteResult(dry_run=True, would_send=preview(plan.ticket), warnings=warnings)
    tied = {"status_id": plan.ticket.status_id, "ticket_type_id": ticket.ticket_type_id}
    with halo_errors(f"update ticket {ticket_id}", write=True, inputs=tied):
        saved = await svc.halo.update_ticket(ticket_id, plan.ticket)
    return TicketWriteResult(dry_run=False, ticket=ticket_row(saved, catalog), warnings=warnings)


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
    # One checked create per client at a time: the duplicate scan must see the ticket
    # a concurrent call is creating, so the lock spans "scan, then create". A create
    # declared new does not scan, so it need not wait.
    async with svc.creates.held(client_id) if scan else nullcontext():
        verdict = plan.verdict
        if scan:
            verdict = verdict + await _duplicate_check(ctx, client_id, summary)
        if not verdict.ok:
            raise refused(verdict)
        warnings = list(verdict.warnings)
        if dry_run:
            return TicketWriteResult(
                dry_run=True, would_send=preview(plan.ticket), warnings=warnings
            )
        saved = await _create_and_remember(svc, client_id, plan)
    return TicketWriteResult(dry_run=False, ticket=ticket_row(saved, catalog), warnings=warnings)


async def _duplicate_check(ctx: Context[Services], client_id: int, summary: str) -> Verdict:
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
    return duplicates_verdict(similar_tickets(summary, rows)) + scan_verdict(
        len(open_tickets.items), open_tickets.total
    )


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


def _site_of(users: list[User], user_id: int | None) -> int | None:
    return next((u.site_id for u in users if u.id == user_id), None)


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
                "use an agent ID from a ticket (agent_id), or leave the filter out",
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
