"""Everything one sandbox instance holds in memory, and the lock that guards it.

The server runs on its own event loop thread while tests and control endpoints reset
it or steer faults from elsewhere, so all access goes through `lock`. Request handlers
take it around each whole read or write; nothing awaits while holding it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from halopsa_mcp.sandbox.access import RateWindow, TokenStore
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.faults import FaultPlan
from halopsa_mcp.sandbox.models import (
    Action,
    Agent,
    Attachment,
    Client,
    Outcome,
    Priority,
    Site,
    Sla,
    Status,
    Team,
    Ticket,
    TicketType,
    User,
)
from halopsa_mcp.sandbox.renumber import renumber
from halopsa_mcp.sandbox.seed import (
    FIRST_ACTION_ID,
    FIRST_ATTACHMENT_ID,
    FIRST_TICKET_ID,
    Landmarks,
    build_seed,
)

REQUEST_LOG_LIMIT = 10_000


@dataclass
class RequestRecord:
    """One request to /api or /auth/token, logged as it arrives.

    query is the raw query string; body the request body parsed as JSON, or None when
    it is empty or not JSON (the token request's form, with its secret, is never kept).
    status stays 0 until the response starts; a dropped response shows the status its
    headers carried. fault names the fault kind that fired, if any. arrived and answered
    are time.monotonic() readings (answered None until the response starts): they show
    which requests a client had in flight at once.
    """

    method: str
    path: str
    query: str
    body: Any = None
    fault: str | None = None
    status: int = 0
    arrived: float = field(default_factory=time.monotonic)
    answered: float | None = None


class SandboxState:
    """Seeded records, issued tokens, the rate window, the fault plan and the request log.

    `config` may be replaced while serving: credentials, tenant, token lifetime, rate
    limit and attachment limit apply from the next request; seed and ticket_count from
    the next reset().
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.lock = threading.RLock()
        self.faults = FaultPlan(self.config.seed)
        self.tokens = TokenStore()
        self.rate_window = RateWindow()
        # Bounded, so a sandbox left running for days does not grow without end.
        self.request_log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        self.reset()

    def reset(self) -> None:
        """Reseed the records and forget tokens, faults, the rate window and the log."""
        seed = build_seed(self.config)
        if self.config.renumbered_ids:
            renumber(seed)
        with self.lock:
            self.clients: dict[int, Client] = seed.clients
            self.sites: dict[int, Site] = seed.sites
            self.users: dict[int, User] = seed.users
            self.teams: dict[int, Team] = seed.teams
            self.agents: dict[int, Agent] = seed.agents
            self.slas: dict[int, Sla] = seed.slas
            self.priorities: list[Priority] = seed.priorities
            self.tickettypes: dict[int, TicketType] = seed.tickettypes
            self.statuses: dict[int, Status] = seed.statuses
            self.outcomes: dict[int, Outcome] = seed.outcomes
            self.tickets: dict[int, Ticket] = seed.tickets
            self.actions: dict[int, Action] = seed.actions
            self.attachments: dict[int, Attachment] = seed.attachments
            self.landmarks: Landmarks = seed.landmarks
            self.next_ticket_id = _next_id(self.tickets, FIRST_TICKET_ID)
            self.next_action_id = _next_id(self.actions, FIRST_ACTION_ID)
            self.next_attachment_id = _next_id(self.attachments, FIRST_ATTACHMENT_ID)
            self.tokens.clear()
            self.rate_window.clear()
            self.request_log.clear()
            self.faults.clear(seed=self.config.seed)

    # --- access ---------------------------------------------------------------------

    def issue_token(self, scopes: frozenset[str]) -> str:
        with self.lock:
            return self.tokens.issue(scopes, self.config.token_lifetime)

    def token_scopes(self, token: str) -> frozenset[str] | None:
        with self.lock:
            return self.tokens.scopes_of(token)

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self.tokens.revoke(token)

    def expire_all_tokens(self) -> None:
        """Invalidate every issued token, as if all had reached their expiry at once."""
        with self.lock:
            self.tokens.clear()

    def admit_api_request(self) -> bool:
        with self.lock:
            return self.rate_window.admit(
                self.config.rate_limit_requests, self.config.rate_limit_window
            )

    def record(self, entry: RequestRecord) -> None:
        with self.lock:
            self.request_log.append(entry)

    def settle(self, entry: RequestRecord, status: int) -> None:
        """Fill in the status a logged request was answered with."""
        with self.lock:
            entry.status = status
            entry.answered = time.monotonic()

    def requests(self) -> list[RequestRecord]:
        with self.lock:
            return list(self.request_log)

    def clear_requests(self) -> None:
        with self.lock:
            self.request_log.clear()

    # --- records --------------------------------------------------------------------

    def now(self) -> datetime:
        """The real clock, for writes; Halo stamps times to the second."""
        return datetime.now(UTC).replace(microsecond=0)

    def priority(self, slaid: int, priorityid: int) -> Priority | None:
        for row in self.priorities:
            if row.slaid == slaid and row.priorityid == priorityid:
                return row
        return None

    def take_ticket_id(self) -> int:
        with self.lock:
            self.next_ticket_id += 1
            return self.next_ticket_id - 1

    def take_action_id(self) -> int:
        with self.lock:
            self.next_action_id += 1
            return self.next_action_id - 1

    def take_attachment_id(self) -> int:
        with self.lock:
            self.next_attachment_id += 1
            return self.next_attachment_id - 1


def _next_id(records: Mapping[int, object], first: int) -> int:
    return max(records, default=first - 1) + 1
