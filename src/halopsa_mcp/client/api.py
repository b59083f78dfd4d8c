"""HaloPSA's ticket API as async methods returning plain dicts.

One method per operation the MCP layer needs; HTTP, tokens and retries live in
``transport``. Returned records keep HaloPSA's field names.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.client.payloads import (
    ActionFields,
    AttachmentUpload,
    TicketFields,
    TicketQuery,
)
from halopsa_mcp.client.retry import RetryPolicy
from halopsa_mcp.client.shapes import Record, record_count, records, single
from halopsa_mcp.client.transport import HaloTransport, QueryValue
from halopsa_mcp.config import HaloSettings

# HaloPSA caps page_size at 100 whatever is asked for.
MAX_PAGE_SIZE = 100

# Called after each page a list reads: (rows read so far, rows this read will return).
# A plain callback, so callers can report progress without this client knowing how.
OnPage = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Page:
    """A slice of a list: ``items`` start at ``offset`` among ``total`` matches."""

    items: list[Record]
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
        self._http = HaloTransport(settings, policy=policy, transport=transport, rng=rng)

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
        await self._http.aclose()

    async def authenticate(self) -> None:
        """Fetch the token every request needs, so its problems show before any call."""
        await self._http.authenticate()

    # Tickets

    async def list_tickets(
        self,
        query: TicketQuery | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        on_page: OnPage | None = None,
    ) -> Page:
        """Tickets matching ``query``; only the pages needed for ``limit`` rows are fetched.
        ``on_page`` hears after each page how far the read has got."""
        params = query.wire() if query else {}
        return await self._paged(
            "Tickets", "tickets", params, limit=limit, offset=offset, on_page=on_page
        )

    async def get_ticket(
        self, ticket_id: int, *, include_details: bool = True, include_last_action: bool = False
    ) -> Record:
        body = await self._http.request(
            "GET",
            f"Tickets/{ticket_id}",
            params={"includedetails": include_details, "includelastaction": include_last_action},
        )
        return _one(body, "tickets", "GET", f"/api/Tickets/{ticket_id}")

    async def create_ticket(self, fields: TicketFields) -> Record:
        return await self._write("Tickets", "tickets", [fields.wire()])

    async def update_ticket(self, ticket_id: int, fields: TicketFields) -> Record:
        """Change only the fields set on ``fields``; HaloPSA keeps the rest."""
        return await self._write("Tickets", "tickets", [{"id": ticket_id, **fields.wire()}])

    # Actions

    async def list_actions(self, ticket_id: int, *, limit: int | None = None) -> Page:
        params: dict[str, QueryValue] = {"ticket_id": ticket_id}
        if limit is not None:
            params["count"] = limit
        body = await self._http.request("GET", "Actions", params=params)
        rows = records(body, "actions")
        total = record_count(body)
        return Page(items=rows, total=len(rows) if total is None else total, offset=0)

    async def add_action(self, fields: ActionFields) -> Record:
        return await self._write("Actions", "actions", [fields.wire()])

    # Attachments

    async def list_attachments(self, ticket_id: int) -> list[Record]:
        body = await self._http.request("GET", "Attachment", params={"ticket_id": ticket_id})
        return records(body, "attachments")

    async def get_attachment(self, attachment_id: int, *, include_data: bool = False) -> Record:
        body = await self._http.request(
            "GET", f"Attachment/{attachment_id}", params={"includedetails": include_data}
        )
        return _one(body, "attachments", "GET", f"/api/Attachment/{attachment_id}")

    async def upload_attachment(
        self,
        ticket_id: int,
        filename: str,
        data: bytes,
        *,
        action_id: int | None = None,
        description: str | None = None,
        is_image: bool | None = None,
    ) -> Record:
        return await self.upload_attachment_base64(
            ticket_id,
            filename,
            base64.b64encode(data).decode("ascii"),
            action_id=action_id,
            description=description,
            is_image=is_image,
        )

    async def upload_attachment_base64(
        self,
        ticket_id: int,
        filename: str,
        data_base64: str,
        *,
        action_id: int | None = None,
        description: str | None = None,
        is_image: bool | None = None,
    ) -> Record:
        """As ``upload_attachment``, for content already in base64 (HaloPSA's own form),
        so a large file is not decoded and encoded again on its way through."""
        upload = AttachmentUpload(
            ticket_id=ticket_id,
            filename=filename,
            data_base64=data_base64,
            **_given(action_id=action_id, desc=description, isimage=is_image),
        )
        return await self._write("Attachment", "attachments", [upload.wire()])

    # Lookups

    async def list_statuses(self, *, tickettype_id: int | None = None) -> list[Record]:
        return await self._lookup("Status", "statuses", _given(tickettype_id=tickettype_id))

    async def list_priorities(self, *, sla_id: int | None = None) -> list[Record]:
        """Priority rows, one per (SLA, priority): match a ticket's ``priority_id``
        against a row's ``priorityid`` within the ticket's SLA."""
        return await self._lookup("Priority", "priorities", _given(slaid=sla_id))

    async def list_ticket_types(self, *, include_inactive: bool = False) -> list[Record]:
        params = {"showinactive": True} if include_inactive else {}
        return await self._lookup("TicketType", "tickettypes", params)

    async def list_outcomes(self, *, tickettype_id: int | None = None) -> list[Record]:
        return await self._lookup("Outcome", "outcomes", _given(tickettype_id=tickettype_id))

    async def list_agents(
        self, *, search: str | None = None, include_disabled: bool = False
    ) -> list[Record]:
        # HaloPSA types includedisabled as a string parameter; "true" is what it reads.
        params = _given(search=search, includedisabled="true" if include_disabled else None)
        return await self._lookup("Agent", "agents", params)

    async def get_client(self, client_id: int) -> Record:
        body = await self._http.request("GET", f"Client/{client_id}")
        return _one(body, "clients", "GET", f"/api/Client/{client_id}")

    async def list_sites(self, *, client_id: int) -> list[Record]:
        return await self._lookup("Site", "sites", {"client_id": client_id})

    async def list_users(self, *, client_id: int) -> list[Record]:
        return await self._lookup("Users", "users", {"client_id": client_id})

    async def list_teams(self) -> list[Record]:
        return await self._lookup("Team", "teams", {})

    async def list_clients(
        self, *, search: str | None = None, limit: int = 100, offset: int = 0
    ) -> Page:
        return await self._paged(
            "Client", "clients", _given(search=search), limit=limit, offset=offset
        )

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
    ) -> Page:
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

    async def _write(self, path: str, key: str, body: list[dict[str, Any]]) -> Record:
        answer = await self._http.request("POST", path, json_body=body)
        try:
            return single(answer, key)
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


def _one(body: Any, key: str, method: str, path: str) -> Record:
    try:
        return single(body, key)
    except HaloResponseError as exc:
        raise HaloResponseError(exc.message, method=method, path=path) from None


def _given(**values: Any) -> dict[str, Any]:
    """Keyword arguments that were actually given (not None)."""
    return {k: v for k, v in values.items() if v is not None}
