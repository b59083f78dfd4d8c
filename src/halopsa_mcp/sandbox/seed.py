"""Deterministic demo data: an MSP's customers and their tickets, notes, time and files.

Everything derives from random.Random(config.seed) and the fixed REFERENCE_NOW, so two
resets with the same config give identical data and tests may refer to seeded records
by id; the one exception is open tickets' SLA fix-by deadlines, set relative to the
clock at reset so that every SLA state is there to be found (see _TIME_LEFT). Ticket
dates spread over the HISTORY before REFERENCE_NOW and rise with the ticket id, as in a
real instance.

Status `type` is a sandbox convention (Halo leaves it to each instance), defined in
models.StatusType: 0 open, 1 paused (SLA on hold), 2 resolved, 3 closed. Older tickets
are mostly resolved or closed, recent ones mostly open. Each ticket carries the actions
that explain its status (Start Work, notes and time, then Resolve/Close or a wait).

The last tickets are scripted rather than random so later work can rely on them: two
pairs of near-duplicate open tickets for one client each, and one ticket whose details
carry hostile HTML and a prompt injection. Their ids are recorded in Landmarks.
"""

from __future__ import annotations

import base64
import html
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from halopsa_mcp.sandbox import catalog, seed_text
from halopsa_mcp.sandbox.catalog import (
    CHANGE_APPROVED,
    CLOSED,
    IN_PROGRESS,
    INCIDENT,
    NEW,
    PREMIUM_SLA,
    RESOLVED,
    STANDARD_SLA,
    WAITING_ON_CLIENT,
)
from halopsa_mcp.sandbox.config import SandboxConfig
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

REFERENCE_NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
HISTORY = timedelta(days=120)

# Separate id ranges per record kind make a client that mixes them up fail loudly.
FIRST_TICKET_ID = 1001
FIRST_ACTION_ID = 100001
FIRST_ATTACHMENT_ID = 900001

# A 1x1 PNG: a real image for clients that look at attachment bytes.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# Open statuses by weight; the ones limited to some ticket types are filtered per ticket.
_OPEN_STATUS_WEIGHTS = {
    NEW: 25,
    IN_PROGRESS: 30,
    3: 8,
    4: 6,
    WAITING_ON_CLIENT: 12,
    6: 6,
    21: 5,
    22: 5,
    CHANGE_APPROVED: 10,
}
_PRIORITY_WEIGHTS = {1: 4, 2: 16, 3: 50, 4: 25, 5: 30}


@dataclass(frozen=True)
class Landmarks:
    """Ids of the scripted tickets; absent when ticket_count is too small to hold them."""

    hostile_ticket_id: int | None = None
    duplicate_pairs: tuple[tuple[int, int], ...] = ()


@dataclass
class SeedData:
    clients: dict[int, Client]
    sites: dict[int, Site]
    users: dict[int, User]
    teams: dict[int, Team]
    agents: dict[int, Agent]
    slas: dict[int, Sla]
    priorities: list[Priority]
    tickettypes: dict[int, TicketType]
    statuses: dict[int, Status]
    outcomes: dict[int, Outcome]
    tickets: dict[int, Ticket] = field(default_factory=dict)
    actions: dict[int, Action] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    landmarks: Landmarks = Landmarks()


def build_seed(config: SandboxConfig, *, now: datetime | None = None) -> SeedData:
    """The data for ``config``; open tickets' fix-by deadlines are set relative to
    ``now`` (the clock by default), everything else to REFERENCE_NOW."""
    rng = random.Random(config.seed)
    data = SeedData(
        clients={},
        sites={},
        users={},
        teams=_by_id(catalog.teams()),
        agents=_by_id(catalog.agents()),
        slas=_by_id(catalog.slas()),
        priorities=catalog.priorities(sla_without_medium=config.sla_without_medium),
        tickettypes=_by_id(
            catalog.ticket_types(change_starts_scheduled=config.change_starts_scheduled)
        ),
        statuses=_by_id(catalog.statuses()),
        outcomes=_by_id(catalog.outcomes(config.private_note_name)),
    )
    _add_customers(rng, data)
    _TicketWriter(rng, data).write(config.ticket_count)
    _set_open_deadlines(data, now or datetime.now(UTC).replace(microsecond=0))
    return data


# Time left before an open ticket's fix-by deadline, chosen by its id, so that every
# reset shows every SLA state the skill names whatever the day: one in seven breached,
# two at risk (under an hour left), the rest on track. A paused status keeps its
# deadline and shows on hold instead.
_TIME_LEFT = (
    timedelta(hours=-5),
    timedelta(minutes=40),
    timedelta(hours=7),
    timedelta(days=2),
    timedelta(minutes=15),
    timedelta(hours=30),
    timedelta(days=4),
)


def _set_open_deadlines(data: SeedData, now: datetime) -> None:
    """Open tickets were created before REFERENCE_NOW, so deadlines counted from their
    creation would all have passed by now: set them from ``now`` instead. Done tickets
    keep theirs, judged against when they were done."""
    for ticket in data.tickets.values():
        if ticket.fixbydate is not None and not data.statuses[ticket.status_id].is_closed:
            ticket.fixbydate = now + _TIME_LEFT[ticket.id % len(_TIME_LEFT)]


class _HasId(Protocol):
    id: int


_R = TypeVar("_R", bound=_HasId)


def _by_id(rows: list[_R]) -> dict[int, _R]:
    return {row.id: row for row in rows}


def _add_customers(rng: random.Random, data: SeedData) -> None:
    site_id, user_id = 40, 200
    for customer in seed_text.CUSTOMERS:
        website = f"https://www.{customer.domain}"
        data.clients[customer.id] = Client(
            customer.id, customer.name, website, site_id, customer.inactive
        )
        client_sites = []
        for site_name in customer.sites:
            phone = f"01632 960{rng.randrange(1000):03d}"
            data.sites[site_id] = Site(site_id, customer.id, site_name, phone)
            client_sites.append(site_id)
            site_id += 1
        names = rng.sample(
            [(f, s) for f in seed_text.FIRST_NAMES for s in seed_text.SURNAMES], rng.randint(3, 6)
        )
        for first, last in names:
            email = f"{first}.{last}@{customer.domain}".lower().replace("'", "")
            phone = f"07700 900{rng.randrange(1000):03d}"
            site = rng.choice(client_sites)
            data.users[user_id] = User(user_id, customer.id, site, first, last, email, phone)
            user_id += 1


class _TicketWriter:
    """Writes tickets with the actions and attachments their status implies."""

    def __init__(self, rng: random.Random, data: SeedData) -> None:
        self.rng = rng
        self.data = data
        self.next_action_id = FIRST_ACTION_ID
        self.next_attachment_id = FIRST_ATTACHMENT_ID
        self.active_clients = [c.id for c in data.clients.values() if not c.inactive]
        self.users_by_client: dict[int, list[User]] = {}
        for user in data.users.values():
            self.users_by_client.setdefault(user.client_id, []).append(user)

    def write(self, count: int) -> None:
        scripts = seed_text.SCRIPTS[: min(count, len(seed_text.SCRIPTS))]
        random_count = count - len(scripts)
        span = HISTORY / max(count, 1)
        for index in range(random_count):
            created = REFERENCE_NOW - HISTORY + span * (index + self.rng.random() * 0.8)
            self._random_ticket(FIRST_TICKET_ID + index, created.replace(microsecond=0))
        ids = {}
        for offset, script in enumerate(scripts):
            ids[script.landmark] = FIRST_TICKET_ID + random_count + offset
            self._scripted_ticket(ids[script.landmark], script)
        self.data.landmarks = Landmarks(
            hostile_ticket_id=ids.get("hostile"),
            duplicate_pairs=tuple(
                (ids[a], ids[b])
                for a, b in (("dup_a1", "dup_a2"), ("dup_b1", "dup_b2"))
                if a in ids and b in ids
            ),
        )

    def _random_ticket(self, ticket_id: int, created: datetime) -> None:
        rng = self.rng
        story = rng.choice(seed_text.STORIES)
        client_id = rng.choice(self.active_clients)
        user = rng.choice(self.users_by_client[client_id])
        age = REFERENCE_NOW - created
        closed = rng.random() < _closed_share(age)
        status_id = self._pick_status(story.tickettype_id, closed)
        sla_id = self._sla_for(client_id, story.tickettype_id)
        details = story.details.format(first=user.firstname)
        ticket = Ticket(
            id=ticket_id,
            summary=story.summary.format(first=user.firstname),
            details=details,
            details_html=paragraph(details),
            client_id=client_id,
            site_id=user.site_id,
            user_id=user.id,
            tickettype_id=story.tickettype_id,
            sla_id=sla_id,
            status_id=status_id,
            priority_id=self._pick_priority(sla_id),
            agent_id=self._pick_agent(story.team, status_id, age),
            team=story.team,
            category_1=story.category_1,
            category_2=story.category_2,
            dateoccurred=created - timedelta(minutes=rng.randrange(0, 180)),
            datecreated=created,
            lastactiondate=created,
            last_update=created,
        )
        self._finish(ticket, user, story.resolution)
        if rng.random() < 0.15:
            self._random_attachment(ticket)

    def _scripted_ticket(self, ticket_id: int, script: seed_text.Script) -> None:
        user = self.users_by_client[script.client_id][0]
        created = (REFERENCE_NOW - timedelta(hours=script.hours_ago)).replace(microsecond=0)
        ticket = Ticket(
            id=ticket_id,
            summary=script.summary,
            details=script.details,
            # Halo keeps HTML in both fields; hostile HTML must be hostile in both.
            details_html=script.details if script.details_are_html else paragraph(script.details),
            client_id=script.client_id,
            site_id=user.site_id,
            user_id=user.id,
            tickettype_id=INCIDENT,
            sla_id=self._sla_for(script.client_id, INCIDENT),
            status_id=script.status_id,
            priority_id=script.priority_id,
            agent_id=script.agent_id,
            team=script.team,
            category_1=script.category_1,
            dateoccurred=created,
            datecreated=created,
            lastactiondate=created,
            last_update=created,
        )
        self._finish(ticket, user, resolution="")
        if script.attachment:
            self._attach(ticket, *script.attachment)

    def _finish(self, ticket: Ticket, user: User, resolution: str) -> None:
        """Add the actions that led to the ticket's status, then its dates and totals."""
        self.data.tickets[ticket.id] = ticket
        for outcome_id, new_status in self._action_plan(ticket.status_id):
            self._add_action(ticket, outcome_id, new_status, user, resolution)
        ticket.last_update = ticket.lastactiondate
        ticket.respondbydate, ticket.fixbydate = sla_targets(self.data.priorities, ticket)
        if self.data.statuses[ticket.status_id].is_closed:
            ticket.dateclosed = ticket.lastactiondate
            ticket.hasbeenclosed = True
            ticket.closure_note = resolution

    def _action_plan(self, status_id: int) -> list[tuple[int, int]]:
        """(outcome id, new status) pairs, at most four, ending in the given status."""
        if status_id == NEW:
            return [(catalog.PRIVATE_NOTE, 0)] if self.rng.random() < 0.3 else []
        endings = {
            CLOSED: [(catalog.RESOLVE, RESOLVED), (catalog.CLOSE, CLOSED)],
            RESOLVED: [(catalog.RESOLVE, RESOLVED)],
            WAITING_ON_CLIENT: [(catalog.WAITING_ON_CLIENT_OUTCOME, WAITING_ON_CLIENT)],
            CHANGE_APPROVED: [(catalog.APPROVE_CHANGE, CHANGE_APPROVED)],
            IN_PROGRESS: [],
        }
        ending = endings.get(status_id, [(catalog.PRIVATE_NOTE, status_id)])
        work_outcomes = list(seed_text.WORK_NOTES)
        work_count = self.rng.randint(0, 3 - len(ending))
        work = [(self.rng.choice(work_outcomes), 0) for _ in range(work_count)]
        return [(catalog.START_WORK, IN_PROGRESS), *work, *ending]

    def _add_action(
        self, ticket: Ticket, outcome_id: int, new_status: int, user: User, resolution: str
    ) -> None:
        gap = timedelta(minutes=self.rng.randrange(10, 60 * 30))
        latest = REFERENCE_NOW - timedelta(minutes=1)
        when = min(ticket.lastactiondate + gap, latest).replace(microsecond=0)
        note, hours = self._note_and_hours(outcome_id, user, resolution)
        action = Action(
            id=self.next_action_id,
            ticket_id=ticket.id,
            outcome_id=outcome_id,
            note=note,
            note_html=paragraph(note),
            hiddenfromuser=self.data.outcomes[outcome_id].hidefromuser,
            timetaken=hours,
            datetime=when,
            new_status=new_status,
            who_agentid=ticket.agent_id or 2,  # the desk lead triages unassigned tickets
            actisbillable=hours > 0,
        )
        self.data.actions[action.id] = action
        self.next_action_id += 1
        ticket.lastactiondate = when
        ticket.timetaken = round(ticket.timetaken + hours, 2)

    def _note_and_hours(self, outcome_id: int, user: User, resolution: str) -> tuple[str, float]:
        if outcome_id == catalog.RESOLVE:
            return resolution, 0.5
        if outcome_id in seed_text.WORK_NOTES:
            low, high = seed_text.WORK_HOURS[outcome_id]
            note = self.rng.choice(seed_text.WORK_NOTES[outcome_id])
            # Quarter hours, as engineers log time.
            return note.format(first=user.firstname), round(self.rng.uniform(low, high) * 4) / 4
        return seed_text.STEP_NOTES[outcome_id].format(first=user.firstname), 0.0

    def _random_attachment(self, ticket: Ticket) -> None:
        if self.rng.random() < 0.5:
            self._attach(ticket, "screenshot.png", TINY_PNG)
            return
        category = (ticket.category_1 or "ticket").lower()
        lines = [
            f"{(ticket.datecreated - timedelta(minutes=m)).isoformat()} WARN {category}: retry {m}"
            for m in range(5, 0, -1)
        ]
        self._attach(ticket, f"{category}-log.txt", "\n".join(lines).encode())

    def _attach(self, ticket: Ticket, filename: str, data: bytes) -> None:
        is_png = filename.endswith(".png")
        attachment = Attachment(
            id=self.next_attachment_id,
            ticket_id=ticket.id,
            filename=filename,
            data=data,
            content_type="image/png" if is_png else "text/plain",
            isimage=is_png,
            datecreated=ticket.datecreated + timedelta(minutes=5),
        )
        self.data.attachments[attachment.id] = attachment
        self.next_attachment_id += 1

    def _pick_status(self, tickettype_id: int, closed: bool) -> int:
        if closed:
            return CLOSED if self.rng.random() < 0.7 else RESOLVED
        statuses = self.data.statuses
        choices = [s for s in _OPEN_STATUS_WEIGHTS if statuses[s].applies_to(tickettype_id)]
        weights = [_OPEN_STATUS_WEIGHTS[s] for s in choices]
        return self.rng.choices(choices, weights)[0]

    def _sla_for(self, client_id: int, tickettype_id: int) -> int:
        sla_id = self.data.tickettypes[tickettype_id].default_sla
        if sla_id == STANDARD_SLA and client_id in seed_text.PREMIUM_CLIENTS:
            return PREMIUM_SLA
        return sla_id

    def _pick_priority(self, sla_id: int) -> int:
        choices = [p.priorityid for p in self.data.priorities if p.slaid == sla_id]
        weights = [_PRIORITY_WEIGHTS[p] for p in choices]
        return self.rng.choices(choices, weights)[0]

    def _pick_agent(self, team: str, status_id: int, age: timedelta) -> int:
        if status_id == NEW and self.rng.random() < 0.5:
            return 0
        # The disabled agent appears only on tickets from before he left.
        candidates = [
            agent.id
            for agent in self.data.agents.values()
            if self.data.teams[agent.team_id].name == team
            and (not agent.isdisabled or age > timedelta(days=60))
        ]
        return self.rng.choice(candidates)


def _closed_share(age: timedelta) -> float:
    """How likely a ticket of this age is done: a backlog of recent, stuck and old work."""
    if age > timedelta(days=45):
        return 0.93
    return 0.6 if age > timedelta(days=14) else 0.25


def sla_targets(
    priorities: list[Priority], ticket: Ticket
) -> tuple[datetime | None, datetime | None]:
    """Respond-by and fix-by dates from the ticket's priority row, in plain clock time.

    Real Halo counts working hours only; wall-clock deadlines are enough to exercise a
    client's SLA handling without reimplementing Halo's calendars.
    """
    for row in priorities:
        if row.slaid == ticket.sla_id and row.priorityid == ticket.priority_id:
            return (
                ticket.datecreated + _duration(row.responsetime, row.responseunits),
                ticket.datecreated + _duration(row.fixtime, row.fixunits),
            )
    return None, None


def _duration(amount: float, units: str) -> timedelta:
    return timedelta(minutes=amount) if units == "minutes" else timedelta(hours=amount)


def paragraph(text: str) -> str:
    """Plain text as the HTML Halo stores: escaped, one paragraph, line breaks kept."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
