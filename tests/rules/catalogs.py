"""Four instances' configurations for the rules tests, written out as plain data.

DEFAULT keeps the ticket skill's documented IDs; REMAPPED puts the same names on other
IDs (and reuses 9 for an unrelated status); UNNAMED has no status with a role's name, so
its roles sit on the documented IDs; ROLELESS has no roles at all. Each status's role is
written out, as the client sets it (tests/client/test_statuses.py checks that it does).
"""

from __future__ import annotations

from halopsa_mcp.domain.records import Agent, Outcome, Priority, Status, TicketType
from halopsa_mcp.rules.catalog import Catalog

INCIDENT, CHANGE, PROBLEM, LEGACY, INTERNAL = 1, 2, 3, 5, 6
CHANGE_APPROVED = 23

DEFAULT = Catalog(
    statuses=(
        Status(1, "New", role="new"),
        Status(2, "In Progress", role="in_progress"),
        Status(3, "Pending"),
        Status(4, "On Hold"),
        Status(5, "Waiting on Client"),
        Status(6, "Waiting on Third Party"),
        Status(8, "Resolved", role="resolved", closes=True),
        Status(9, "Closed", role="closed", closes=True),
        Status(CHANGE_APPROVED, "Change Approved", frozenset({CHANGE})),
    ),
    priorities=(
        Priority(1, 1, "Critical"),
        Priority(1, 2, "High"),
        Priority(1, 3, "Medium"),
        Priority(1, 4, "Low"),
        Priority(1, 5, "Emergency", hidden=True),
        # SLA 2 has no priority named Medium, but has the documented ID 3.
        Priority(2, 1, "Urgent"),
        Priority(2, 3, "Standard"),
        # SLA 3 has neither: a default cannot be chosen.
        Priority(3, 4, "Low"),
        Priority(3, 5, "Planned"),
    ),
    ticket_types=(
        TicketType(INCIDENT, "Incident", sla_id=1, initial_status_id=1),
        TicketType(CHANGE, "Change Request", sla_id=3, initial_status_id=1),
        TicketType(PROBLEM, "Problem", sla_id=2, initial_status_id=1),
        TicketType(LEGACY, "Legacy Request", sla_id=1, initial_status_id=1, can_create=False),
        TicketType(INTERNAL, "Internal", sla_id=None, initial_status_id=None),
    ),
    outcomes=(
        Outcome(1, "Private Note", None, hidden_from_user=True),
        Outcome(2, "Customer Update", None),
        Outcome(4, "Time Entry", None, hidden_from_user=True),
        Outcome(5, "Start Work", 2),
        Outcome(7, "Resolve", 8),
        Outcome(8, "Close", 9),
        Outcome(10, "Approve Change", CHANGE_APPROVED, ticket_type_ids=frozenset({CHANGE})),
    ),
    agents=(
        Agent(2, "Priya Natarajan"),
        Agent(3, "Tom Whitaker"),
        Agent(9, "Ravi Desai", disabled=True),
    ),
)

DEFAULT_STATUS_IDS = (1, 2, 3, 4, 5, 6, 8, 9)

REMAPPED = Catalog(
    statuses=(
        Status(1, "Triage"),
        Status(2, "Pending Approval"),
        Status(9, "Awaiting Parts"),
        Status(11, "New", role="new"),
        Status(12, "In Progress", role="in_progress"),
        Status(13, "Waiting on Client"),
        Status(18, "Resolved", role="resolved", closes=True),
        Status(19, "Closed", role="closed", closes=True),
        Status(20, "Closed - Duplicate", closes=True),
        Status(21, "Resolved - awaiting confirmation", closes=True),
        Status(22, "Unresolved Queries"),
    ),
    priorities=(
        Priority(1, 1, "P1"),
        Priority(1, 3, "Routine"),
        Priority(1, 7, "Medium"),
    ),
    ticket_types=(TicketType(INCIDENT, "Incident", sla_id=1, initial_status_id=11),),
    outcomes=(
        Outcome(1, "Note", None),
        Outcome(7, "Resolve", 18),
        Outcome(8, "Close", 19),
    ),
    agents=(Agent(2, "Priya Natarajan"),),
)

UNNAMED = Catalog(
    statuses=(
        Status(1, "Open", role="new"),
        Status(2, "Working", role="in_progress"),
        Status(5, "Waiting"),
        Status(8, "Done", role="resolved", closes=True),
        Status(9, "Archived", role="closed", closes=True),
        Status(10, "Closed - Spam", closes=True),
    ),
    priorities=(Priority(1, 1, "High"), Priority(1, 3, "Normal")),
    ticket_types=(TicketType(INCIDENT, "Incident", sla_id=1, initial_status_id=5),),
    outcomes=(Outcome(1, "Note", None),),
    agents=(),
)

# No names and none of the documented IDs: no status plays any role.
ROLELESS = Catalog(
    statuses=(Status(30, "Open"), Status(31, "Done")),
    priorities=(Priority(1, 3, "Medium"),),
    ticket_types=(
        TicketType(INCIDENT, "Incident", sla_id=1, initial_status_id=30),
        TicketType(INTERNAL, "Internal", sla_id=1, initial_status_id=None),
    ),
    outcomes=(),
    agents=(),
)
