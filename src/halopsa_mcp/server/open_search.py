"""An "open tickets" search that keeps its promise whatever HaloPSA's open_only keeps.

HaloPSA documents open_only only as "open tickets"; an instance may count a Resolved
status as open. The server knows which statuses close a ticket, so it leaves those out
itself, and counts them so that the total and the paging stay true. An instance seen to
let no closed ticket through is trusted for a while (OpenFilterSeen): counting costs a
request per closing status on every search.

An SLA search filters on a state this server computes, which HaloPSA cannot: it reads
the tickets soonest deadline first and judges each one here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from halopsa_mcp.client.api import HaloClient, OnPage, Page
from halopsa_mcp.domain.records import TicketRow
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.sla import SlaState, sla_state


@dataclass
class OpenFilterSeen:
    """When this instance's open_only was last seen to let no ticket of a closing status
    through, on a search with no other filter: its narrower searches cannot let one
    through either, so for ``ttl`` seconds they are not counted."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    _held_at: float | None = field(default=None, init=False)

    def holds(self) -> bool:
        return self._held_at is not None and self.clock() - self._held_at < self.ttl

    def saw(self, search: TicketSearch, leaked: int) -> None:
        unfiltered = TicketSearch(
            open_only=True, order_by=search.order_by, descending=search.descending
        )
        if leaked:
            self._held_at = None
        elif search == unfiltered:
            self._held_at = self.clock()


async def open_tickets(
    halo: HaloClient,
    search: TicketSearch,
    catalog: Catalog,
    *,
    limit: int,
    offset: int,
    seen: OpenFilterSeen,
    on_page: OnPage | None = None,
) -> Page[TicketRow]:
    """``search`` (with open_only) without the tickets whose status closes them."""
    found = await halo.list_tickets(search, limit=limit, offset=offset, on_page=on_page)
    if offset == 0 and not found.has_more:
        # Every match was read: leaving out the closed ones here is the whole answer.
        kept = _still_open(found.items, catalog)
        return Page(items=kept, total=len(kept), offset=0)
    if seen.holds():
        return found
    leaked = await _closed_kept(halo, search, catalog)
    seen.saw(search, leaked)
    if not leaked:
        return found
    # Up to ``leaked`` rows before the window may be left out: read from the start.
    rows = await halo.list_tickets(search, limit=offset + limit + leaked, offset=0)
    kept = _still_open(rows.items, catalog)
    return Page(items=kept[offset : offset + limit], total=rows.total - leaked, offset=offset)


async def _closed_kept(halo: HaloClient, search: TicketSearch, catalog: Catalog) -> int:
    """How many tickets in a closing status HaloPSA's open_only lets through."""
    leaked = 0
    for status in catalog.statuses:
        if status.closes:
            page = await halo.list_tickets(replace(search, status_id=status.id), limit=1)
            leaked += page.total
    return leaked


def _still_open(tickets: list[TicketRow], catalog: Catalog) -> list[TicketRow]:
    return [t for t in tickets if not catalog.closes(t.status_id)]


# How many tickets an SLA search reads at most, soonest fix-by first: five pages.
SLA_SCAN = 500


@dataclass(frozen=True)
class SlaFound:
    page: Page[TicketRow]
    # What the reader must know about the answer's limits, if anything.
    note: str | None = None


async def sla_tickets(
    halo: HaloClient,
    search: TicketSearch,
    catalog: Catalog,
    states: frozenset[SlaState],
    *,
    now: datetime,
    limit: int,
    offset: int,
    on_page: OnPage | None = None,
) -> SlaFound:
    """``search``'s tickets whose SLA state at ``now`` is one of ``states``, soonest
    fix-by first. HaloPSA cannot filter on a state this server computes, so the tickets
    are read (asked for soonest fix-by first, where the states that need acting on
    are) and judged here; the total counts every match among those read."""
    soonest = replace(search, order_by="fix_by", descending=False)
    rows = await halo.list_tickets(soonest, limit=SLA_SCAN, offset=0, on_page=on_page)
    kept = [t for t in rows.items if _state(t, catalog, now) in states]
    if search.open_only:
        kept = _still_open(kept, catalog)
    # Sorted here too: an instance may ignore the order it was asked for.
    kept.sort(key=lambda t: (t.sla.fix_by or _NEVER, t.id))
    page = Page(items=kept[offset : offset + limit], total=len(kept), offset=offset)
    return SlaFound(page=page, note=_sla_note(rows))


def _sla_note(rows: Page[TicketRow]) -> str | None:
    """An empty or short answer must not read as "nothing at risk" when it is not."""
    if rows.has_more:
        # Some instances list tickets without a deadline first: the cap may hide them all.
        return (
            f"Only the first {SLA_SCAN} tickets by fix-by date were checked: narrow the "
            "search (client_id, agent_id, ticket_type_id) to check the rest."
        )
    if rows.items and all(t.sla.fix_by is None for t in rows.items):
        return (
            f"HaloPSA sent no SLA deadline for any of the {len(rows.items)} tickets read, "
            "so no SLA state could be judged: the instance may not track SLAs on them."
        )
    return None


_NEVER = datetime.max.replace(tzinfo=UTC)


def _state(ticket: TicketRow, catalog: Catalog, now: datetime) -> SlaState | None:
    return sla_state(ticket.sla, done=catalog.closes(ticket.status_id), now=now)
