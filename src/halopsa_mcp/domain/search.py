"""A ticket search in this project's words; the client turns it into the desk's query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

# Only the dates HaloPSA's datesearch documents: a live instance may ignore any other
# column and answer unfiltered.
DateField = Literal["opened", "closed"]
OrderBy = Literal["id", "created", "last_action", "fix_by"]


@dataclass(frozen=True)
class TicketSearch:
    """None (or False) leaves a filter out."""

    text: str | None = None
    client_id: int | None = None
    status_id: int | None = None
    agent_id: int | None = None
    ticket_type_id: int | None = None
    open_only: bool = False
    # Both days are included whole.
    date_field: DateField = "opened"
    date_from: date | None = None
    date_to: date | None = None
    order_by: OrderBy | None = None
    descending: bool = False  # read only with order_by
