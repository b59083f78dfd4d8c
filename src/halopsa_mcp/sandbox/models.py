"""The records a sandbox instance stores.

Attribute names follow the HaloPSA field they are served as, so shapes.py can be read
against the OpenAPI schemas line by line. Timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class StatusType(IntEnum):
    """A status's `type`: a sandbox convention, since Halo leaves the numbers to each instance.

    RESOLVED and CLOSED both count as closed: filters such as open_only leave them out,
    and moving a ticket into either stamps dateclosed.
    """

    OPEN = 0
    PAUSED = 1  # the SLA clock stops (on hold, waiting on someone)
    RESOLVED = 2
    CLOSED = 3


@dataclass(slots=True)
class Client:
    id: int
    name: str
    website: str
    main_site_id: int
    inactive: bool = False


@dataclass(slots=True)
class Site:
    id: int
    client_id: int
    name: str
    phonenumber: str


@dataclass(slots=True)
class User:
    id: int
    client_id: int
    site_id: int
    firstname: str
    surname: str
    emailaddress: str
    phonenumber: str

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.surname}"


@dataclass(slots=True)
class Team:
    id: int
    name: str
    sequence: int


@dataclass(slots=True)
class Agent:
    id: int
    firstname: str
    surname: str
    email: str
    jobtitle: str
    team_id: int
    isdisabled: bool = False

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.surname}"

    @property
    def initials(self) -> str:
        return self.firstname[0] + self.surname[0]


@dataclass(slots=True)
class Sla:
    id: int
    name: str


@dataclass(slots=True)
class Priority:
    """One row of an SLA's priority table (Halo's Policy schema)."""

    uid: str  # served as `id`: a uuid unique per row, unlike priorityid
    slaid: int
    priorityid: int  # what a ticket's priority_id means, within the ticket's SLA
    name: str
    responsetime: float
    responseunits: str
    fixtime: float
    fixunits: str
    colour: str


@dataclass(slots=True)
class TicketType:
    id: int
    name: str
    use: str
    default_sla: int
    initial_status: int
    sequence: int
    active: bool = True
    cancreate: bool = True

    @property
    def usable(self) -> bool:
        return self.active and self.cancreate


@dataclass(slots=True)
class Status:
    id: int
    name: str
    shortname: str
    type: StatusType
    sequence: int
    colour: str
    # Ticket type ids the status is limited to; empty means every type.
    tickettype_ids: tuple[int, ...] = ()

    def applies_to(self, tickettype_id: int) -> bool:
        return not self.tickettype_ids or tickettype_id in self.tickettype_ids

    @property
    def is_closed(self) -> bool:
        return self.type in (StatusType.RESOLVED, StatusType.CLOSED)


@dataclass(slots=True)
class Outcome:
    id: int
    outcome: str
    buttonname: str
    sequence: int
    newstatus: int = 0  # 0 leaves the ticket's status alone
    hidefromuser: bool = False
    mustaddnote: bool = False
    defaultmanhrs: float = 0.0
    tickettype_ids: tuple[int, ...] = ()

    def applies_to(self, tickettype_id: int) -> bool:
        return not self.tickettype_ids or tickettype_id in self.tickettype_ids


@dataclass(slots=True)
class Ticket:
    id: int
    summary: str
    details: str
    details_html: str
    client_id: int
    site_id: int
    user_id: int | None
    tickettype_id: int
    sla_id: int
    status_id: int
    priority_id: int
    agent_id: int  # 0 = unassigned
    team: str | None
    category_1: str | None
    dateoccurred: datetime
    datecreated: datetime
    lastactiondate: datetime
    last_update: datetime
    respondbydate: datetime | None = None
    fixbydate: datetime | None = None
    dateclosed: datetime | None = None
    hasbeenclosed: bool = False
    closure_note: str | None = None
    category_2: str | None = None
    reportedby: str | None = None
    timetaken: float = 0.0  # hours


@dataclass(slots=True)
class Action:
    id: int
    ticket_id: int
    outcome_id: int
    note: str
    note_html: str
    hiddenfromuser: bool
    timetaken: float  # hours, as a decimal
    datetime: datetime
    new_status: int = 0  # 0 = the action did not change the status
    who_agentid: int = 0  # 0 = not an agent (the API itself)
    application: str | None = None  # the API application that wrote it, if one did
    actisbillable: bool = True
    important: bool = False
    sendemail: bool = False
    emailto: str | None = None


@dataclass(slots=True)
class Attachment:
    id: int
    ticket_id: int
    filename: str
    data: bytes
    content_type: str
    isimage: bool
    datecreated: datetime
    action_id: int | None = None
    desc: str | None = None
