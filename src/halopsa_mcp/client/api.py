"""HaloPSA's ticket API as async methods taking and returning the domain's records.

One method per operation the MCP layer needs; HTTP, tokens and retries live in
``transport``, and HaloPSA's field names in ``wire``.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from halopsa_mcp.client import wire
from halopsa_mcp.client.envelopes import Record, record_count, records, single
from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.client.payloads import ActionFields, AttachmentUpload, TicketFields
from halopsa_mcp.client.retry import RetryPolicy
from halopsa_mcp.client.values import given
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.domain.records import (
    Action,
    Agent,
    Attachment,
    Client,
    Outcome,
    Priority,
    Site,
    Status,
    Team,
    Ticket,
    TicketRow,
    TicketType,
    User,
)
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.domain.writes import ActionWrite, AttachmentWrite, TicketWrite

if TYPE_CHECKING:
    import httpx

    from halopsa_mcp.client.transport import HaloTransport, QueryValue

# HaloPSA caps page_size at 100 whatever is asked for.
MAX_PAGE_SIZE = 100

# Called after each page a list reads: (rows read so far, rows this read will return).
# A plain callback, so callers can report progress without this client knowing how.
OnPage = Callable[[int, int], Awaitable[None]]


Item = TypeVar("Item")
Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """A slice of a list: ``items`` start at ``offset`` among ``total`` matches."""

    items: list[Item]
    total: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class PagePlan:
    page_size: int
    first_page: int
    skip: int


def plan_pages(offset: int, limit: int) -> PagePlan:
    """Which HaloPSA pages cover ``limit`` rows from ``offset``.

    When the window lines up with pages of ``limit`` rows one request does it;
    otherwise full pages are walked and the head of the first one skipped.
    """
    if offset < 0 or limit < 1:
        raise ValueError("offset must be >= 0 and limit >= 1")
    if limit <= MAX_PAGE_SIZE and offset % limit == 0:
        return PagePlan(page_size=limit, first_page=offset // limit + 1, skip=0)
    return PagePlan(
        page_size=MAX_PAGE_SIZE,
        first_page=offset // MAX_PAGE_SIZE + 1,
        skip=offset % MAX_PAGE_SIZE,
    )


def _transport(
    settings: HaloSettings,
    *,
    policy: RetryPolicy | None,
    transport: httpx.AsyncBaseTransport | None,
    rng: random.Random | None,
) -> HaloTransport:
    # Imported here, with httpx, for the reason HaloClient._http gives.
    from halopsa_mcp.client.transport import HaloTransport

    return HaloTransport(settings, policy=policy, transport=transport, rng=rng)


class HaloClient:
    """Async HaloPSA client. Use as ``async with HaloClient(settings) as halo: ...``."""

    def __init__(
        self,
        settings: HaloSettings,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._open = functools.partial(
            _transport, settings, policy=policy, transport=transport, rng=rng
        )
        self._opened: HaloTransport | None = None

    @property
    def _http(self) -> HaloTransport:
        # Opened on first use: the HTTP client (httpx, and the CA certificates it loads)
        # is the costliest part of a cold start, and a server answers its client's
        # handshake before it sends HaloPSA anything.
        if self._opened is None:
            self._opened = self._open()
        return self._opened

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._opened is not None:
            await self._opened.aclose()

    async def authenticate(self) -> None:
        """Fetch the token every request needs, so its problems show before any call."""
        await self._http.authenticate()

    # Tickets

    async def list_tickets(
        self,
        search: TicketSearch | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        on_page: OnPage | None = None,
    ) -> Page[TicketRow]:
        """Tickets matching ``search`` as rows (get_ticket reads one in full); only the
        pages needed for ``limit`` rows are fetched. ``on_page`` hears after each page how
        far the read has got."""
        params = wire.ticket_query(search).wire() if search else {}
        page = await self._paged(
            "Tickets", "tickets", params, limit=limit, offset=offset, on_page=on_page
        )
        return _parsed(page, wire.ticket_row, "GET", "/api/Tickets")

    async def get_ticket(
        self, ticket_id: int, *, include_details: bool = True, include_last_action: bool = False
    ) -> Ticket:
        path = f"Tickets/{ticket_id}"
        body = await self._http.request(
            "GET",
            path,
            params={"includedetails": include_details, "includelastaction": include_last_action},
        )
        row = _one(body, "tickets", "GET", f"/api/{path}", record_id=ticket_id)
        return _parse(wire.ticket, row, "GET", path)

    async def create_ticket(self, ticket: TicketWrite) -> Ticket:
        body = [TicketFields.of(ticket).wire()]
        return await self._write("Tickets", "tickets", body, wire.ticket)

    async def update_ticket(self, ticket_id: int, changes: TicketWrite) -> Ticket:
        """Change only the fields set on ``changes``; HaloPSA keeps the rest."""
        body = [{"id": ticket_id, **TicketFields.of(changes).wire()}]
        return await self._write("Tickets", "tickets", body, wire.ticket)

    # Actions

    async def list_actions(self, ticket_id: int, *, limit: int | None = None) -> Page[Action]:
        params: dict[str, QueryValue] = {"ticket_id": ticket_id}
        if limit is not None:
            params["count"] = limit
        body = await self._http.request("GET", "Actions", params=params)
        rows = records(body, "actions")
        total = record_count(body)
        page = Page(items=rows, total=len(rows) if total is None else total, offset=0)
        return _parsed(page, wire.action, "GET", "/api/Actions")

    async def add_action(self, action: ActionWrite) -> Action:
        body = [ActionFields.of(action).wire()]
        return await self._write("Actions", "actions", body, wire.action)

    # Attachments

    async def list_attachments(self, ticket_id: int) -> list[Attachment]:
        body = await self._http.request("GET", "Attachment", params={"ticket_id": ticket_id})
        rows = records(body, "attachments")
        return [_parse(wire.attachment, row, "GET", "/api/Attachment") for row in rows]

    async def attachment_content(self, attachment_id: int) -> tuple[str | None, bytes]:
        """One attachment's file name (None when HaloPSA gives none) and bytes.

        Live HaloPSA answers with the file itself; an answer in JSON, the record the
        OpenAPI document describes, is read too: includedetails asks it for the content.
        """
        answer = await self._http.request_file(
            "GET", f"Attachment/{attachment_id}", params={"includedetails": True}
        )
        try:
            return wire.attachment_file(answer)
        except HaloResponseError as exc:
            path = f"/api/Attachment/{attachment_id}"
            raise HaloResponseError(exc.message, method="GET", path=path) from None

    async def upload_attachment(self, attachment: AttachmentWrite) -> Attachment:
        """Attach a file whose content is already in base64 (HaloPSA's own form), so a
        large file is not decoded and encoded again on its way through."""
        body = [AttachmentUpload.of(attachment).wire()]
        return await self._write("Attachment", "attachments", body, wire.attachment)

    # Lookups

    async def list_statuses(self, *, ticket_type_id: int | None = None) -> tuple[Status, ...]:
        """The statuses, each with the role it plays (see ``client.statuses``)."""
        params = given(tickettype_id=ticket_type_id)
        return wire.statuses(await self._lookup("Status", "statuses", params))

    async def list_priorities(self, *, sla_id: int | None = None) -> tuple[Priority, ...]:
        """Priorities, one per (SLA, priority): a ticket's ``priority_id`` is read within
        the ticket's SLA."""
        return wire.priorities(await self._lookup("Priority", "priorities", given(slaid=sla_id)))

    async def list_ticket_types(self, *, include_inactive: bool = False) -> tuple[TicketType, ...]:
        params = {"showinactive": True} if include_inactive else {}
        return wire.ticket_types(await self._lookup("TicketType", "tickettypes", params))

    async def list_outcomes(self, *, ticket_type_id: int | None = None) -> tuple[Outcome, ...]:
        params = given(tickettype_id=ticket_type_id)
        return wire.outcomes(await self._lookup("Outcome", "outcomes", params))

    async def list_agents(
        self, *, search: str | None = None, include_disabled: bool = False
    ) -> tuple[Agent, ...]:
        # HaloPSA types includedisabled as a string parameter; "true" is what it reads.
        params = given(search=search, includedisabled="true" if include_disabled else None)
        return wire.agents(await self._lookup("Agent", "agents", params))

    async def get_client(self, client_id: int) -> Client:
        path = f"/api/Client/{client_id}"
        body = await self._http.request("GET", f"Client/{client_id}")
        row = _one(body, "clients", "GET", path, record_id=client_id)
        return _parse(wire.client, row, "GET", path)

    async def list_sites(self, *, client_id: int) -> list[Site]:
        return wire.sites(await self._lookup("Site", "sites", {"client_id": client_id}))

    async def list_users(self, *, client_id: int) -> list[User]:
        return wire.users(await self._lookup("Users", "users", {"client_id": client_id}))

    async def list_teams(self) -> tuple[Team, ...]:
        return wire.teams(await self._lookup("Team", "teams", {}))

    async def list_clients(
        self,
        *,
        search: str | None = None,
        include_inactive: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[Client]:
        """Clients whose name is like ``search`` (HaloPSA matches it case-insensitively);
        active ones only unless ``include_inactive``."""
        params: dict[str, QueryValue] = given(search=search)
        if include_inactive:
            params["includeinactive"] = True
        page = await self._paged("Client", "clients", params, limit=limit, offset=offset)
        return _parsed(page, wire.client, "GET", "/api/Client")

    async def find_users(
        self,
        *,
        client_id: int | None = None,
        search: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> Page[User]:
        """End users like ``search`` (name or email), of one client when ``client_id``,
        a page at a time."""
        params: dict[str, QueryValue] = given(search=search)
        if client_id is not None:
            params["client_id"] = client_id
        page = await self._paged("Users", "users", params, limit=limit, offset=offset)
        # A row without a usable ID is skipped, as in every lookup.
        return Page(items=wire.users(page.items), total=page.total, offset=page.offset)

    # Plumbing

    async def _lookup(self, path: str, key: str, params: Mapping[str, QueryValue]) -> list[Record]:
        return records(await self._http.request("GET", path, params=params), key)

    async def _paged(
        self,
        path: str,
        key: str,
        params: Mapping[str, QueryValue],
        *,
        limit: int,
        offset: int,
        on_page: OnPage | None = None,
    ) -> Page[Record]:
        plan = plan_pages(offset, limit)
        fetched: list[Record] = []
        total: int | None = None
        page_no = plan.first_page
        while len(fetched) - plan.skip < limit:
            # page_size and page_no are ignored by HaloPSA unless pageinate=true.
            body = await self._http.request(
                "GET",
                path,
                params={
                    **params,
                    "pageinate": True,
                    "page_size": plan.page_size,
                    "page_no": page_no,
                },
            )
            rows = records(body, key)
            total = record_count(body)
            fetched.extend(rows)
            last_page = len(rows) < plan.page_size or (
                total is not None and page_no * plan.page_size >= total
            )
            if on_page is not None:
                await on_page(*_progress(fetched, plan, limit, total, last_page))
            if last_page:
                break
            page_no += 1
        items = fetched[plan.skip : plan.skip + limit]
        if total is None:
            # Without a count from the server, all that is known is what was seen.
            total = (plan.first_page - 1) * plan.page_size + len(fetched)
        return Page(items=items, total=total, offset=offset)

    async def _write(
        self, path: str, key: str, body: list[dict[str, Any]], parse: Callable[[Record], Parsed]
    ) -> Parsed:
        """The saved record, parsed: an answer this client cannot read is reported as a
        write that may have been applied."""
        answer = await self._http.request("POST", path, json_body=body)
        try:
            return parse(single(answer, key))
        except HaloResponseError as exc:
            raise HaloResponseError(
                f"HaloPSA accepted the write but answered in an unexpected shape: {exc.message}",
                method="POST",
                path=f"/api/{path}",
                may_have_applied=True,
            ) from None


def _progress(
    fetched: list[Record], plan: PagePlan, limit: int, total: int | None, last_page: bool
) -> tuple[int, int]:
    """(rows read, rows expected) for the caller's window; the expected count is
    exact once HaloPSA has said how many rows match."""
    read = min(max(len(fetched) - plan.skip, 0), limit)
    if last_page:
        return read, read
    if total is None:
        return read, limit
    offset = (plan.first_page - 1) * plan.page_size + plan.skip
    return read, max(min(limit, total - offset), read)


def _one(body: Any, key: str, method: str, path: str, *, record_id: int | None = None) -> Record:
    try:
        return single(body, key, record_id=record_id)
    except HaloResponseError as exc:
        raise HaloResponseError(exc.message, method=method, path=path) from None


def _parse(parse: Callable[[Record], Parsed], row: Record, method: str, path: str) -> Parsed:
    try:
        return parse(row)
    except HaloResponseError as exc:
        raise HaloResponseError(exc.message, method=method, path=path) from None


def _parsed(
    page: Page[Record], parse: Callable[[Record], Parsed], method: str, path: str
) -> Page[Parsed]:
    items = [_parse(parse, row, method, path) for row in page.items]
    return Page(items=items, total=page.total, offset=page.offset)
