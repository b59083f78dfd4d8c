"""The sandbox instance's configuration: teams, agents, SLAs, priorities, types, statuses, outcomes.

These are fixed whatever the seed, because a client learns them from the lookup
endpoints once and tests refer to them by id. Where Halo ships documented defaults
(statuses 1-9, priorities 1-4) the sandbox keeps those ids, and adds instance-specific
rows with other ids so a client cannot get away with hard-coding the defaults.
"""

from __future__ import annotations

import uuid

from halopsa_mcp.sandbox.models import (
    Agent,
    Outcome,
    Priority,
    Sla,
    Status,
    StatusType,
    Team,
    TicketType,
)

SERVICE_DESK, INFRASTRUCTURE, PROJECTS = "Service Desk", "Infrastructure", "Projects"

STANDARD_SLA, PREMIUM_SLA, CHANGE_SLA = 1, 2, 3

INCIDENT, CHANGE_REQUEST, SERVICE_REQUEST, PROBLEM, LEGACY_REQUEST = 1, 2, 3, 4, 5

# Status ids the seed and the write rules refer to by meaning.
NEW, IN_PROGRESS, WAITING_ON_CLIENT, RESOLVED, CLOSED = 1, 2, 5, 8, 9
CHANGE_APPROVED = 23
SCHEDULED = 21

# Outcome ids the seed refers to by meaning.
PRIVATE_NOTE, CUSTOMER_UPDATE, PHONE_CALL, TIME_ENTRY = 1, 2, 3, 4
START_WORK, WAITING_ON_CLIENT_OUTCOME, RESOLVE, CLOSE, INVESTIGATION = 5, 6, 7, 8, 9
APPROVE_CHANGE = 10


def teams() -> list[Team]:
    return [Team(1, SERVICE_DESK, 1), Team(2, INFRASTRUCTURE, 2), Team(3, PROJECTS, 3)]


def agents() -> list[Agent]:
    """Eight engineers; ids start at 2 because Halo reserves low ids for built-in agents."""
    msp = "brightpath-it.example"
    people = [
        (2, "Priya", "Natarajan", "Service Desk Lead", 1, False),
        (3, "Tom", "Whitaker", "Service Desk Engineer", 1, False),
        (4, "Aisha", "Bello", "Service Desk Engineer", 1, False),
        (5, "Marcus", "Lindqvist", "Infrastructure Engineer", 2, False),
        (6, "Sofia", "Alvarez", "Senior Infrastructure Engineer", 2, False),
        (7, "Daniel", "Okafor", "Network Engineer", 2, False),
        (8, "Hannah", "Kowalski", "Project Engineer", 3, False),
        # Left the company: still named on old tickets, no longer assignable.
        (9, "Ravi", "Desai", "Project Manager", 3, True),
    ]
    return [
        Agent(id_, first, last, f"{first}.{last}@{msp}".lower(), title, team, disabled)
        for id_, first, last, title, team, disabled in people
    ]


def slas() -> list[Sla]:
    return [
        Sla(STANDARD_SLA, "Standard SLA"),
        Sla(PREMIUM_SLA, "Premium 24x7"),
        Sla(CHANGE_SLA, "Change Management"),
    ]


def priorities(*, sla_without_medium: bool = False) -> list[Priority]:
    """Priority tables per SLA; the change SLA deliberately lacks Critical and High."""
    standard_3 = "Normal" if sla_without_medium else "Medium"
    rows = [
        (STANDARD_SLA, 1, "Critical", 1, "hours", 4, "hours", "#d32f2f"),
        (STANDARD_SLA, 2, "High", 2, "hours", 8, "hours", "#f57c00"),
        (STANDARD_SLA, 3, standard_3, 4, "hours", 24, "hours", "#fbc02d"),
        (STANDARD_SLA, 4, "Low", 8, "hours", 72, "hours", "#388e3c"),
        (PREMIUM_SLA, 1, "Critical", 15, "minutes", 2, "hours", "#d32f2f"),
        (PREMIUM_SLA, 2, "High", 30, "minutes", 4, "hours", "#f57c00"),
        (PREMIUM_SLA, 3, "Medium", 2, "hours", 8, "hours", "#fbc02d"),
        (PREMIUM_SLA, 4, "Low", 4, "hours", 24, "hours", "#388e3c"),
        (CHANGE_SLA, 3, "Medium", 8, "hours", 72, "hours", "#fbc02d"),
        (CHANGE_SLA, 4, "Low", 24, "hours", 120, "hours", "#388e3c"),
        (CHANGE_SLA, 5, "Planned", 48, "hours", 336, "hours", "#1976d2"),
    ]
    return [
        Priority(_priority_uid(sla, pid), sla, pid, name, rt, ru, ft, fu, colour)
        for sla, pid, name, rt, ru, ft, fu, colour in rows
    ]


def _priority_uid(slaid: int, priorityid: int) -> str:
    # Derived from the row's identity so the uuid is stable across seeds and resets.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"halopsa-sandbox:sla/{slaid}/priority/{priorityid}"))


def ticket_types(*, change_starts_scheduled: bool = False) -> list[TicketType]:
    change_start = SCHEDULED if change_starts_scheduled else NEW
    return [
        TicketType(INCIDENT, "Incident", "Something is broken", STANDARD_SLA, NEW, 1),
        TicketType(SERVICE_REQUEST, "Service Request", "Asking for a thing", STANDARD_SLA, NEW, 2),
        TicketType(PROBLEM, "Problem", "Root cause of incidents", PREMIUM_SLA, NEW, 3),
        TicketType(CHANGE_REQUEST, "Change Request", "Planned change", CHANGE_SLA, change_start, 4),
        TicketType(
            LEGACY_REQUEST,
            "Legacy Request",
            "Retired type kept for old tickets",
            STANDARD_SLA,
            NEW,
            5,
            active=False,
            cancreate=False,
        ),
    ]


def statuses() -> list[Status]:
    open_, paused = StatusType.OPEN, StatusType.PAUSED
    incident_or_request, change = (INCIDENT, SERVICE_REQUEST), (CHANGE_REQUEST,)
    return [
        Status(NEW, "New", "New", open_, 1, "#2196f3"),
        Status(IN_PROGRESS, "In Progress", "InProg", open_, 2, "#4caf50"),
        Status(3, "Pending", "Pend", open_, 3, "#9c27b0"),
        Status(4, "On Hold", "Hold", paused, 4, "#9e9e9e"),
        Status(WAITING_ON_CLIENT, "Waiting on Client", "WaitCli", paused, 5, "#ff9800"),
        Status(6, "Waiting on Third Party", "Wait3P", paused, 6, "#ff5722"),
        Status(RESOLVED, "Resolved", "Res", StatusType.RESOLVED, 8, "#8bc34a"),
        Status(CLOSED, "Closed", "Closed", StatusType.CLOSED, 9, "#607d8b"),
        Status(SCHEDULED, "Scheduled", "Sched", open_, 10, "#00bcd4"),
        Status(22, "Awaiting Parts", "Parts", paused, 11, "#795548", incident_or_request),
        Status(CHANGE_APPROVED, "Change Approved", "Approved", open_, 12, "#3f51b5", change),
    ]


def outcomes(private_note: str = "Private Note") -> list[Outcome]:
    return [
        Outcome(PRIVATE_NOTE, private_note, f"Add {private_note}", 1, hidefromuser=True),
        Outcome(CUSTOMER_UPDATE, "Customer Update", "Update Customer", 2),
        Outcome(PHONE_CALL, "Phone Call", "Log Phone Call", 3, hidefromuser=True),
        Outcome(TIME_ENTRY, "Time Entry", "Log Time", 4, hidefromuser=True, defaultmanhrs=0.5),
        Outcome(
            START_WORK, "Start Work", "Start Work", 5, newstatus=IN_PROGRESS, hidefromuser=True
        ),
        Outcome(
            WAITING_ON_CLIENT_OUTCOME,
            "Waiting on Client",
            "Ask Customer",
            6,
            newstatus=WAITING_ON_CLIENT,
        ),
        Outcome(RESOLVE, "Resolve", "Resolve", 7, newstatus=RESOLVED, mustaddnote=True),
        Outcome(CLOSE, "Close", "Close Ticket", 8, newstatus=CLOSED),
        Outcome(INVESTIGATION, "Investigation", "Log Investigation", 9, hidefromuser=True),
        Outcome(
            APPROVE_CHANGE,
            "Approve Change",
            "Approve",
            10,
            newstatus=CHANGE_APPROVED,
            tickettype_ids=(CHANGE_REQUEST,),
        ),
    ]
