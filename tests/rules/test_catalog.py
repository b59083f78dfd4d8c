from typing import Any

import pytest

from halopsa_mcp.rules.catalog import (
    AgentInfo,
    Catalog,
    OutcomeInfo,
    PriorityInfo,
    StatusInfo,
    StatusRoles,
    TicketTypeInfo,
    parse_agents,
    parse_outcomes,
    parse_priorities,
    parse_statuses,
    parse_ticket_types,
    status_roles,
)
from tests.rules.catalogs import DEFAULT, REMAPPED, ROLELESS, UNNAMED

# Rows a careless or odd instance could return; none of them may raise.
JUNK: list[Any] = [None, "row", 7, [], {}, {"id": None}, {"id": True}, {"id": "abc"}, {"id": 1.5}]


def test_parse_statuses() -> None:
    rows = [
        {"id": 1, "name": "New", "shortname": "New", "type": 0},
        {"id": "2", "name": " In Progress ", "tickettypes": []},
        {"id": 23, "name": "Change Approved", "tickettypes": [{"value": "2", "label": "CR"}]},
        {"id": 24, "name": "Mixed", "tickettypes": [{"value": 3}, {"value": "x"}, {}, "4", None]},
        {"id": 25.0, "name": 7, "tickettypes": "not a list"},
        *JUNK,
    ]
    assert parse_statuses(rows) == (
        StatusInfo(1, "New"),
        StatusInfo(2, "In Progress"),
        StatusInfo(23, "Change Approved", frozenset({2})),
        StatusInfo(24, "Mixed", frozenset({3, 4})),
        StatusInfo(25, ""),
    )


def test_parse_priorities_ignores_the_row_id() -> None:
    rows = [
        {"id": "0f9c-uuid", "slaid": 1, "priorityid": 3, "name": "Medium", "ishidden": False},
        {"id": "other", "slaid": "2", "priorityid": "1", "name": "Urgent", "ishidden": True},
        {"slaid": 1, "priorityid": 4, "name": "Low", "ishidden": "yes"},
        {"slaid": 1, "name": "no priorityid"},
        {"priorityid": 2, "name": "no slaid"},
        {"slaid": None, "priorityid": 2},
        *JUNK,
    ]
    assert parse_priorities(rows) == (
        PriorityInfo(1, 3, "Medium"),
        PriorityInfo(2, 1, "Urgent", hidden=True),
        PriorityInfo(1, 4, "Low"),
    )


def test_parse_ticket_types() -> None:
    rows = [
        {"id": 1, "name": "Incident", "default_sla": 1, "initial_status": 1, "cancreate": True},
        {"id": 5, "name": "Legacy", "default_sla": 0, "initial_status": "0", "cancreate": False},
        {"id": 6, "name": "Bare"},
        {"id": 7, "name": "Odd", "default_sla": "x", "initial_status": -1, "cancreate": "no"},
        *JUNK,
    ]
    assert parse_ticket_types(rows) == (
        TicketTypeInfo(1, "Incident", sla_id=1, initial_status_id=1),
        TicketTypeInfo(5, "Legacy", sla_id=None, initial_status_id=None, can_create=False),
        TicketTypeInfo(6, "Bare", sla_id=None, initial_status_id=None),
        TicketTypeInfo(7, "Odd", sla_id=None, initial_status_id=None),
    )


def test_parse_outcomes() -> None:
    rows = [
        {"id": 1, "outcome": "Private Note", "newstatus": 0, "hidefromuser": True},
        {"id": 7, "outcome": "Resolve", "newstatus": 8, "buttonname": "Resolve"},
        {"id": 10, "outcome": "Approve", "newstatus": "23", "tickettypes": [{"value": "2"}]},
        {"id": 11, "name": "uses name, not outcome", "newstatus": None, "hidefromuser": 1},
        *JUNK,
    ]
    assert parse_outcomes(rows) == (
        OutcomeInfo(1, "Private Note", None, hidden_from_user=True),
        OutcomeInfo(7, "Resolve", 8),
        OutcomeInfo(10, "Approve", 23, ticket_type_ids=frozenset({2})),
        OutcomeInfo(11, "", None),
    )


def test_parse_agents() -> None:
    rows = [
        {"id": 2, "name": "Priya Natarajan", "isdisabled": False},
        {"id": 9, "name": "Ravi Desai", "isdisabled": True},
        {"id": 3, "isdisabled": "true"},
        *JUNK,
    ]
    assert parse_agents(rows) == (
        AgentInfo(2, "Priya Natarajan"),
        AgentInfo(9, "Ravi Desai", disabled=True),
        AgentInfo(3, ""),
    )


def test_parsers_accept_no_rows() -> None:
    for parse in (parse_statuses, parse_priorities, parse_ticket_types, parse_outcomes):
        assert parse([]) == ()
    assert parse_agents([]) == ()


@pytest.mark.parametrize(
    ("catalog", "roles"),
    [
        (DEFAULT, StatusRoles(1, 2, 8, 9, frozenset({8, 9}))),
        # Names win: 9 "Awaiting Parts" is not Closed, 1 "Triage" is not New.
        (REMAPPED, StatusRoles(11, 12, 18, 19, frozenset({18, 19, 20, 21}))),
        # No names: the documented IDs, plus any status named like a closing one.
        (UNNAMED, StatusRoles(1, 2, 8, 9, frozenset({8, 9, 10}))),
        (ROLELESS, StatusRoles(None, None, None, None, frozenset())),
    ],
    ids=["default", "remapped", "unnamed", "roleless"],
)
def test_status_roles(catalog: Catalog, roles: StatusRoles) -> None:
    assert status_roles(catalog.statuses) == roles
    assert catalog.roles == roles


@pytest.mark.parametrize(
    ("names", "in_progress"),
    [
        (["IN PROGRESS"], 100),
        (["  in   progress "], 100),
        (["InProgress"], 100),
        (["In Progress - Escalated"], None),
        (["Progress"], None),
    ],
)
def test_role_names_ignore_case_and_spaces(names: list[str], in_progress: int | None) -> None:
    statuses = tuple(StatusInfo(100 + i, name) for i, name in enumerate(names))
    assert status_roles(statuses).in_progress == in_progress


@pytest.mark.parametrize(
    ("name", "closing"),
    [
        ("Closed - Duplicate", True),
        ("Resolved - awaiting confirmation", True),
        ("Auto-closed", True),
        ("CLOSED (no response)", True),
        ("Unresolved Queries", False),
        ("Enclosed Documents", False),
        ("Closure Pending", False),
    ],
)
def test_closing_by_word(name: str, closing: bool) -> None:
    assert (50 in status_roles((StatusInfo(50, name),)).closing) is closing


def test_a_renamed_documented_id_plays_no_role() -> None:
    # ID 8 exists but a status named Resolved sits elsewhere: 8 is only "Scheduled".
    statuses = (StatusInfo(8, "Scheduled"), StatusInfo(40, "Resolved"))
    roles = status_roles(statuses)
    assert (roles.resolved, roles.closing) == (40, frozenset({40}))


def test_lookups_by_id() -> None:
    assert DEFAULT.status(8) == StatusInfo(8, "Resolved")
    assert DEFAULT.status(7) is None
    assert DEFAULT.ticket_type(5) == DEFAULT.ticket_types[3]
    assert DEFAULT.ticket_type(4) is None
    assert DEFAULT.outcome(7) == OutcomeInfo(7, "Resolve", 8)
    assert DEFAULT.outcome(3) is None
    assert DEFAULT.agent(9) == AgentInfo(9, "Ravi Desai", disabled=True)
    assert DEFAULT.agent(1) is None


@pytest.mark.parametrize(
    ("name", "outcome_id"),
    [("Private Note", 1), ("private note", 1), ("  PRIVATE   note ", 1), ("Private", None)],
)
def test_outcome_named(name: str, outcome_id: int | None) -> None:
    outcome = DEFAULT.outcome_named(name)
    assert (outcome.id if outcome else None) == outcome_id


@pytest.mark.parametrize(
    ("sla_id", "priority_ids"), [(1, [1, 2, 3, 4]), (2, [1, 3]), (3, [4, 5]), (9, [])]
)
def test_priorities_for_leaves_out_hidden(sla_id: int, priority_ids: list[int]) -> None:
    assert [p.priority_id for p in DEFAULT.priorities_for(sla_id)] == priority_ids


@pytest.mark.parametrize(("type_id", "extra"), [(1, []), (2, [23]), (None, [23]), (99, [])])
def test_statuses_for(type_id: int | None, extra: list[int]) -> None:
    assert [s.id for s in DEFAULT.statuses_for(type_id)] == [1, 2, 3, 4, 5, 6, 8, 9, *extra]


@pytest.mark.parametrize(("type_id", "extra"), [(1, []), (2, [10]), (None, [10])])
def test_outcomes_for(type_id: int | None, extra: list[int]) -> None:
    assert [o.id for o in DEFAULT.outcomes_for(type_id)] == [1, 2, 4, 5, 7, 8, *extra]
