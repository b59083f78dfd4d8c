"""Three instances' lookups for the rules tests, written out as plain data.

DEFAULT keeps the ticket skill's documented IDs; REMAPPED puts the same names on other
IDs (and reuses 9 for an unrelated status), so roles must come from names; UNNAMED has
no status with a role's name, so roles fall back to the documented IDs.
"""

from __future__ import annotations

from halopsa_mcp.rules.catalog import (
    AgentInfo,
    Catalog,
    OutcomeInfo,
    PriorityInfo,
    StatusInfo,
    TicketTypeInfo,
)

INCIDENT, CHANGE, PROBLEM, LEGACY, INTERNAL = 1, 2, 3, 5, 6
CHANGE_APPROVED = 23

DEFAULT = Catalog(
    statuses=(
        StatusInfo(1, "New"),
        StatusInfo(2, "In Progress"),
        StatusInfo(3, "Pending"),
        StatusInfo(4, "On Hold"),
        StatusInfo(5, "Waiting on Client"),
        StatusInfo(6, "Waiting on Third Party"),
        StatusInfo(8, "Resolved"),
        StatusInfo(9, "Closed"),
        StatusInfo(CHANGE_APPROVED, "Change Approved", frozenset({CHANGE})),
    ),
    priorities=(
        PriorityInfo(1, 1, "Critical"),
        PriorityInfo(1, 2, "High"),
        PriorityInfo(1, 3, "Medium"),
        PriorityInfo(1, 4, "Low"),
        PriorityInfo(1, 5, "Emergency", hidden=True),
        # SLA 2 has no priority named Medium, but has the documented ID 3.
        PriorityInfo(2, 1, "Urgent"),
        PriorityInfo(2, 3, "Standard"),
        # SLA 3 has neither: a default cannot be chosen.
        PriorityInfo(3, 4, "Low"),
        PriorityInfo(3, 5, "Planned"),
    ),
    ticket_types=(
        TicketTypeInfo(INCIDENT, "Incident", sla_id=1, initial_status_id=1),
        TicketTypeInfo(CHANGE, "Change Request", sla_id=3, initial_status_id=1),
        TicketTypeInfo(PROBLEM, "Problem", sla_id=2, initial_status_id=1),
        TicketTypeInfo(LEGACY, "Legacy Request", sla_id=1, initial_status_id=1, can_create=False),
        TicketTypeInfo(INTERNAL, "Internal", sla_id=None, initial_status_id=None),
    ),
    outcomes=(
        OutcomeInfo(1, "Private Note", None, hidden_from_user=True),
        OutcomeInfo(2, "Customer Update", None),
        OutcomeInfo(4, "Time Entry", None, hidden_from_user=True),
        OutcomeInfo(5, "Start Work", 2),
        OutcomeInfo(7, "Resolve", 8),
        OutcomeInfo(8, "Close", 9),
        OutcomeInfo(10, "Approve Change", CHANGE_APPROVED, ticket_type_ids=frozenset({CHANGE})),
    ),
    agents=(
        AgentInfo(2, "Priya Natarajan"),
        AgentInfo(3, "Tom Whitaker"),
        AgentInfo(9, "Ravi Desai", disabled=True),
    ),
)

DEFAULT_STATUS_IDS = (1, 2, 3, 4, 5, 6, 8, 9)

REMAPPED = Catalog(
    statuses=(
        StatusInfo(1, "Triage"),
        StatusInfo(2, "Pending Approval"),
        StatusInfo(9, "Awaiting Parts"),
        StatusInfo(11, "New"),
        StatusInfo(12, "In Progress"),
        StatusInfo(13, "Waiting on Client"),
        StatusInfo(18, "Resolved"),
        StatusInfo(19, "Closed"),
        StatusInfo(20, "Closed - Duplicate"),
        StatusInfo(21, "Resolved - awaiting confirmation"),
        StatusInfo(22, "Unresolved Queries"),
    ),
    priorities=(
        PriorityInfo(1, 1, "P1"),
        PriorityInfo(1, 3, "Routine"),
        PriorityInfo(1, 7, "Medium"),
    ),
    ticket_types=(TicketTypeInfo(INCIDENT, "Incident", sla_id=1, initial_status_id=11),),
    outcomes=(
        OutcomeInfo(1, "Note", None),
        OutcomeInfo(7, "Resolve", 18),
        OutcomeInfo(8, "Close", 19),
    ),
    agents=(AgentInfo(2, "Priya Natarajan"),),
)

UNNAMED = Catalog(
    statuses=(
        StatusInfo(1, "Open"),
        StatusInfo(2, "Working"),
        StatusInfo(5, "Waiting"),
        StatusInfo(8, "Done"),
        StatusInfo(9, "Archived"),
        StatusInfo(10, "Closed - Spam"),
    ),
    priorities=(PriorityInfo(1, 1, "High"), PriorityInfo(1, 3, "Normal")),
    ticket_types=(TicketTypeInfo(INCIDENT, "Incident", sla_id=1, initial_status_id=5),),
    outcomes=(OutcomeInfo(1, "Note", None),),
    agents=(),
)

# No names and none of the documented IDs: no status plays any role.
ROLELESS = Catalog(
    statuses=(StatusInfo(30, "Open"), StatusInfo(31, "Done")),
    priorities=(PriorityInfo(1, 3, "Medium"),),
    ticket_types=(
        TicketTypeInfo(INCIDENT, "Incident", sla_id=1, initial_status_id=30),
        TicketTypeInfo(INTERNAL, "Internal", sla_id=1, initial_status_id=None),
    ),
    outcomes=(),
    agents=(),
)
