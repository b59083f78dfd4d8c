import unicodedata
from dataclasses import asdict, fields, replace
from typing import Any

import pytest

from halopsa_mcp.domain.records import Agent
from halopsa_mcp.domain.writes import TicketWrite
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.tickets import (
    NewTicket,
    TicketChanges,
    TicketPlan,
    TicketState,
    plan_new_ticket,
    plan_ticket_update,
)
from halopsa_mcp.rules.verdict import Problem
from tests.rules.catalogs import (
    CHANGE,
    DEFAULT,
    INCIDENT,
    INTERNAL,
    LEGACY,
    PROBLEM,
    REMAPPED,
    ROLELESS,
    UNNAMED,
)
from tests.rules.plans import written

VALID = NewTicket(summary="Outlook not syncing", client_id=12, ticket_type_id=INCIDENT)
PRIORITIES_SLA_1 = "use one of: 1 Critical, 2 High, 3 Medium, 4 Low"
PRIORITIES_LISTED = " (list_priorities shows them by ticket type)"
AGENTS = "use one of: 2 Priya Natarajan, 3 Tom Whitaker"
TYPES = "use one of: 1 Incident, 2 Change Request, 3 Problem, 6 Internal"
# Zero-width space and joiner, word joiner, BOM, a bidi override: text nobody can see.
INVISIBLE = "\u200b\u200d\u2060\ufeff\u202e"


def create(ticket: NewTicket, catalog: Catalog = DEFAULT, **options: Any) -> TicketPlan:
    options.setdefault("client_exists", True)
    return plan_new_ticket(ticket, catalog, **options)


def only_error(plan: TicketPlan) -> Problem:
    (error,) = plan.verdict.errors
    return error


# --- create ---------------------------------------------------------------------------------


def test_minimal_ticket_gets_defaults() -> None:
    plan = create(replace(VALID, summary="  Outlook not syncing \n"))
    assert plan.verdict.ok
    assert plan.verdict.warnings == (
        "priority_id not given: 3 Medium chosen, the priority named Medium for tickets of "
        "type 1 Incident; pass priority_id to choose another (" + PRIORITIES_SLA_1 + ")",
    )
    assert written(plan) == {
        "summary": "Outlook not syncing",
        "client_id": 12,
        "ticket_type_id": 1,
        "status_id": 1,
        "priority_id": 3,
    }


def test_every_field_is_written() -> None:
    ticket = NewTicket(
        summary="Printer offline",
        client_id=12,
        ticket_type_id=INCIDENT,
        status_id=2,
        priority_id=2,
        agent_id=3,
        site_id=40,
        user_id=501,
        team=" Service Desk ",
        category=" Printing ",
        details="It says <offline>.\n\nSince 9am.",
        resolution=" Power-cycled it. ",
    )
    plan = create(ticket)
    assert plan.verdict.ok
    assert plan.verdict.warnings == ()
    assert written(plan) == {
        "summary": "Printer offline",
        "client_id": 12,
        "ticket_type_id": 1,
        "status_id": 2,
        "priority_id": 2,
        "agent_id": 3,
        "site_id": 40,
        "user_id": 501,
        "team": "Service Desk",
        "category": "Printing",
        "details_html": "<p>It says &lt;offline&gt;.</p><p>Since 9am.</p>",
        "resolution_html": "<p>Power-cycled it.</p>",
    }
    # Every argument given and every field of the write set: a field added to NewTicket
    # or TicketWrite but not carried from one to the other fails here.
    assert None not in asdict(ticket).values()
    assert set(written(plan)) == {field.name for field in fields(TicketWrite)}


def test_default_ticket_type_applies_only_when_none_is_given() -> None:
    no_type = replace(VALID, ticket_type_id=None)
    assert written(create(no_type, default_ticket_type_id=PROBLEM))["ticket_type_id"] == PROBLEM
    assert written(create(VALID, default_ticket_type_id=PROBLEM))["ticket_type_id"] == INCIDENT


@pytest.mark.parametrize(
    ("catalog", "status_id", "priority_id"),
    [
        (DEFAULT, 1, 3),
        (REMAPPED, 11, 7),  # New and Medium by name, on other IDs
        (UNNAMED, 5, 3),  # the ticket type's initial status, whatever New is
        (ROLELESS, 30, 3),  # no New at all: the ticket type's initial status
    ],
    ids=["default", "remapped", "unnamed", "roleless"],
)
def test_default_status_and_priority(catalog: Catalog, status_id: int, priority_id: int) -> None:
    plan = create(VALID, catalog)
    assert plan.verdict.ok
    assert (written(plan)["status_id"], written(plan)["priority_id"]) == (status_id, priority_id)


def test_no_status_to_default_to() -> None:
    plan = create(replace(VALID, ticket_type_id=INTERNAL), ROLELESS)
    error = only_error(plan)
    assert (error.field, error.fix) == ("status_id", "use one of: 30 Open, 31 Done")
    assert "status_id" not in written(plan)


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        (None, "a summary is required"),
        ("", "the summary is blank"),
        (" \n\t ", "the summary is blank"),
        ("x" * 256, "the summary has 256 characters, more than the 255 allowed"),
        ("é" * 300, "the summary has 300 characters, more than the 255 allowed"),
        (INVISIBLE, "the summary is blank"),
        (f"\x00{INVISIBLE}\n\t\x7f", "the summary is blank"),
        # Measured after cleaning: the line break becomes a space, so 254 + 2.
        ("x" * 254 + "\n\n\ny", "the summary has 256 characters, more than the 255 allowed"),
        # Measured as stored: each & is stored as &amp;.
        (
            "R&D " * 50,
            "the summary has 399 characters (<, >, & and quotes count as their HTML escapes), "
            "more than the 255 allowed",
        ),
    ],
)
def test_bad_summary(summary: str | None, message: str) -> None:
    error = only_error(create(replace(VALID, summary=summary)))
    assert (error.field, error.message) == ("summary", message)


@pytest.mark.parametrize(
    ("summary", "sent"),
    [
        ("x", "x"),
        ("x" * 255, "x" * 255),
        ("  " + "x" * 255 + "  ", "x" * 255),
        # Measured after cleaning: invisible characters and decomposed accents do not count.
        ("x" * 255 + INVISIBLE * 10, "x" * 255),
        ("e\u0301" * 255, "\u00e9" * 255),
        ("Outlook\nnot  syncing\r\n\ton laptop", "Outlook not syncing on laptop"),
        ("VPN\x00 drops\u202e", "VPN drops"),
        ('<b>R&D</b> "lab"', "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;lab&quot;"),
    ],
)
def test_good_summary(summary: str, sent: str) -> None:
    plan = create(replace(VALID, summary=summary))
    assert plan.verdict.ok
    assert written(plan)["summary"] == sent


def hidden_characters(fields: dict[str, Any]) -> list[str]:
    """Control (bar newline and tab) and format characters in the text fields."""
    text = "".join(v for v in fields.values() if isinstance(v, str))
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t"]


DIRTY = NewTicket(
    summary=f"Printer{INVISIBLE} offline\nsince 9am\x00",
    client_id=12,
    ticket_type_id=INCIDENT,
    team=f"Service{INVISIBLE} Desk\x1b",
    category="Print\u00ading\n",
    details=f"Says <offline>{INVISIBLE}.\r\n\r\nSince\x00 9am.",
    resolution=f"Power-cycled{INVISIBLE} it.\nWorks.",
)
CLEAN = {
    "summary": "Printer offline since 9am",
    "team": "Service Desk",
    "category": "Printing",
    "details_html": "<p>Says &lt;offline&gt;.</p><p>Since 9am.</p>",
    "resolution_html": "<p>Power-cycled it.<br>Works.</p>",
}


def test_create_sends_cleaned_text() -> None:
    plan = create(DIRTY)
    assert plan.verdict.ok
    assert {k: v for k, v in written(plan).items() if k in CLEAN} == CLEAN
    assert hidden_characters(written(plan)) == []


def test_update_sends_cleaned_text() -> None:
    text = {k: getattr(DIRTY, k) for k in ("summary", "team", "category", "details", "resolution")}
    plan = update(TicketChanges(**text))
    assert plan.verdict.ok
    assert written(plan) == CLEAN
    assert hidden_characters(written(plan)) == []


def test_client_is_required() -> None:
    error = only_error(create(replace(VALID, client_id=None)))
    assert (error.field, error.message) == (
        "client_id",
        "a client is required: every ticket has one",
    )
    assert "search_tickets" in error.fix


def test_unknown_client() -> None:
    error = only_error(create(VALID, client_exists=False))
    assert (error.field, error.message) == ("client_id", "client 12 does not exist")
    assert "search_tickets" in error.fix


@pytest.mark.parametrize(
    ("type_id", "message"),
    [
        (None, "a ticket type is required"),
        (77, "ticket type 77 does not exist"),
        (LEGACY, "ticket type 5 Legacy Request cannot be used for new tickets"),
    ],
)
def test_bad_ticket_type(type_id: int | None, message: str) -> None:
    plan = create(replace(VALID, ticket_type_id=type_id))
    error = only_error(plan)
    assert (error.field, error.message, error.fix) == ("ticket_type_id", message, TYPES)
    assert "ticket_type_id" not in written(plan)


def test_bad_default_ticket_type() -> None:
    plan = create(replace(VALID, ticket_type_id=None), default_ticket_type_id=LEGACY)
    assert only_error(plan).field == "ticket_type_id"


@pytest.mark.parametrize(
    ("type_id", "priority_id", "fix"),
    [
        (INCIDENT, 9, PRIORITIES_SLA_1),
        (INCIDENT, 5, PRIORITIES_SLA_1),  # exists in SLA 1, but hidden
        (CHANGE, 1, "use one of: 4 Low, 5 Planned"),
        (PROBLEM, 4, "use one of: 1 Urgent, 3 Standard"),
        (INTERNAL, 77, "use one of: 1 Critical, 2 High, 3 Medium, 4 Low, 5 Planned"),
    ],
)
def test_priority_not_in_the_types_sla(type_id: int, priority_id: int, fix: str) -> None:
    plan = create(replace(VALID, ticket_type_id=type_id, priority_id=priority_id))
    error = only_error(plan)
    assert (error.field, error.fix) == ("priority_id", fix + PRIORITIES_LISTED)
    assert error.message.startswith(f"priority {priority_id} is not available for ")


@pytest.mark.parametrize(
    ("type_id", "priority_id", "expected"),
    [
        (INCIDENT, 1, 1),
        (CHANGE, 5, 5),
        (PROBLEM, None, 3),  # no Medium: the documented ID 3 ("Standard")
        (INTERNAL, None, 3),  # no SLA: Medium from any
        (INTERNAL, 5, 5),  # no SLA: any priority of any SLA
    ],
)
def test_priority_accepted(type_id: int, priority_id: int | None, expected: int) -> None:
    plan = create(replace(VALID, ticket_type_id=type_id, priority_id=priority_id))
    assert plan.verdict.ok
    assert written(plan)["priority_id"] == expected


def test_without_medium_the_middle_priority_is_chosen_and_said() -> None:
    plan = create(replace(VALID, ticket_type_id=CHANGE))
    assert plan.verdict.ok
    assert written(plan)["priority_id"] == 5
    assert plan.verdict.warnings == (
        "priority_id not given: 5 Planned chosen, there is no Medium priority for tickets of "
        "type 2 Change Request, so the middle of its 2 priorities by urgency; pass priority_id "
        "to choose another (use one of: 4 Low, 5 Planned)",
    )


def test_a_default_priority_needs_a_priority_to_choose() -> None:
    error = only_error(create(VALID, replace(DEFAULT, priorities=())))
    assert error.field == "priority_id"
    assert "no priority is offered" in error.message
    assert "priority_id" not in written(create(VALID, replace(DEFAULT, priorities=())))


@pytest.mark.parametrize(
    ("agent_id", "message"),
    [
        (77, "agent 77 does not exist"),
        (-1, "agent -1 does not exist"),
        (9, "agent 9 Ravi Desai is disabled and cannot be assigned"),
    ],
)
def test_bad_agent(agent_id: int, message: str) -> None:
    error = only_error(create(replace(VALID, agent_id=agent_id)))
    assert (error.field, error.message, error.fix) == ("agent_id", message, AGENTS)


@pytest.mark.parametrize("agent_id", [2, 0])
def test_agent_accepted(agent_id: int) -> None:
    plan = create(replace(VALID, agent_id=agent_id))
    assert plan.verdict.ok
    assert written(plan)["agent_id"] == agent_id


def test_agent_list_is_cut_at_twenty() -> None:
    agents = tuple(Agent(i, f"Agent {i}") for i in range(100, 125))
    error = only_error(create(replace(VALID, agent_id=1), replace(DEFAULT, agents=agents)))
    assert error.fix.startswith("use one of: 100 Agent 100, 101 Agent 101")
    assert error.fix.endswith("119 Agent 119 (and 5 more)")


@pytest.mark.parametrize(
    ("changes", "errors", "warnings"),
    [
        ({"status_id": 8}, ["status_id"], ["moving to 8 Resolved without an In Progress step"]),
        ({"status_id": 8, "resolution": "Fixed"}, [], ["without an In Progress step"]),
        ({"status_id": 9, "resolution": "Fixed"}, [], ["without an In Progress step"]),
        ({"status_id": 2}, [], ["2 In Progress with no agent assigned; assign one with agent_id"]),
        ({"status_id": 2, "agent_id": 2}, [], []),
        ({"status_id": 5}, [], []),
        ({"status_id": 77}, ["status_id"], []),
        ({"status_id": 23}, ["status_id"], []),
        ({"resolution": "  "}, ["resolution"], []),
        ({"resolution": INVISIBLE}, ["resolution"], []),
        # Invisible text is no resolution to close with.
        ({"status_id": 9, "resolution": INVISIBLE}, ["status_id", "resolution"], ["In Progress"]),
    ],
)
def test_initial_status(changes: dict[str, Any], errors: list[str], warnings: list[str]) -> None:
    verdict = create(replace(VALID, priority_id=3, **changes)).verdict
    assert [e.field for e in verdict.errors] == errors
    assert len(verdict.warnings) == len(warnings)
    assert all(w in got for w, got in zip(warnings, verdict.warnings, strict=True))


def test_missing_resolution_fix_names_the_argument() -> None:
    error = only_error(create(replace(VALID, status_id=9)))
    assert error.fix == "pass resolution with what was done to fix the problem"


def test_all_violations_are_reported_together() -> None:
    ticket = NewTicket(
        summary=" ",
        client_id=12,
        ticket_type_id=LEGACY,
        status_id=77,
        priority_id=99,
        agent_id=9,
        resolution="",
    )
    plan = create(ticket, client_exists=False)
    assert [e.field for e in plan.verdict.errors] == [
        "summary",
        "client_id",
        "ticket_type_id",
        "status_id",
        "priority_id",
        "agent_id",
        "resolution",
    ]


def test_an_empty_request_names_every_missing_argument() -> None:
    plan = create(NewTicket())
    assert [e.field for e in plan.verdict.errors] == ["summary", "client_id", "ticket_type_id"]


# --- update ---------------------------------------------------------------------------------

OPEN = TicketState(
    id=1116,
    client_id=12,
    status_id=2,
    ticket_type_id=INCIDENT,
    sla_id=1,
    agent_id=3,
    has_resolution=False,
)


def update(
    changes: TicketChanges, current: TicketState = OPEN, catalog: Catalog = DEFAULT
) -> TicketPlan:
    return plan_ticket_update(current, changes, catalog)


def test_nothing_to_change() -> None:
    plan = update(TicketChanges())
    error = only_error(plan)
    assert (error.field, error.message) == ("changes", "nothing to change")
    assert error.fix == "pass at least one field to update"
    assert written(plan) == {}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (TicketChanges(summary=" New title "), {"summary": "New title"}),
        (TicketChanges(details="a < b"), {"details_html": "<p>a &lt; b</p>"}),
        (TicketChanges(details=""), {"details_html": ""}),
        (TicketChanges(team="Infrastructure"), {"team": "Infrastructure"}),
        (TicketChanges(category="Email"), {"category": "Email"}),
        (TicketChanges(priority_id=1), {"priority_id": 1}),
        (TicketChanges(agent_id=2), {"agent_id": 2}),
        (TicketChanges(agent_id=0), {"agent_id": 0}),
        (TicketChanges(status_id=5), {"status_id": 5}),
        (TicketChanges(status_id=2), {"status_id": 2}),
        # A resolution may be recorded before the ticket is resolved.
        (
            TicketChanges(resolution=" Replaced the toner "),
            {"resolution_html": "<p>Replaced the toner</p>"},
        ),
        (
            TicketChanges(status_id=8, resolution="Replaced the toner"),
            {"status_id": 8, "resolution_html": "<p>Replaced the toner</p>"},
        ),
    ],
)
def test_only_the_changes_given_are_sent(changes: TicketChanges, fields: dict[str, Any]) -> None:
    plan = update(changes)
    assert plan.verdict.ok
    assert plan.verdict.warnings == ()
    assert written(plan) == fields


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("", "the summary is blank"),
        ("y" * 300, "the summary has 300 characters, more than the 255 allowed"),
        (INVISIBLE, "the summary is blank"),
        ("\x00\n", "the summary is blank"),
    ],
)
def test_update_checks_the_summary(summary: str, message: str) -> None:
    assert only_error(update(TicketChanges(summary=summary))).message == message


@pytest.mark.parametrize(
    ("current", "changes", "errors", "warnings"),
    [
        (OPEN, TicketChanges(status_id=8), ["status_id"], 0),
        (OPEN, TicketChanges(status_id=8, resolution=" "), ["resolution", "status_id"], 0),
        (OPEN, TicketChanges(status_id=8, resolution=INVISIBLE), ["resolution", "status_id"], 0),
        (OPEN, TicketChanges(resolution=f"\x00{INVISIBLE}"), ["resolution"], 0),
        (replace(OPEN, has_resolution=True), TicketChanges(status_id=9), [], 0),
        (replace(OPEN, status_id=1, agent_id=None), TicketChanges(status_id=2), [], 1),
        (replace(OPEN, status_id=1, agent_id=None), TicketChanges(status_id=2, agent_id=2), [], 0),
        (replace(OPEN, status_id=1), TicketChanges(status_id=2), [], 0),
        # Unassigning while moving to In Progress leaves the ticket without an agent.
        (replace(OPEN, status_id=1), TicketChanges(status_id=2, agent_id=0), [], 1),
        (replace(OPEN, status_id=9, has_resolution=True), TicketChanges(status_id=5), [], 1),
        (OPEN, TicketChanges(status_id=2), [], 0),
        (OPEN, TicketChanges(status_id=23), ["status_id"], 0),
        (replace(OPEN, ticket_type_id=CHANGE, sla_id=3), TicketChanges(status_id=23), [], 0),
    ],
)
def test_update_status(
    current: TicketState, changes: TicketChanges, errors: list[str], warnings: int
) -> None:
    verdict = update(changes, current).verdict
    assert [e.field for e in verdict.errors] == errors
    assert len(verdict.warnings) == warnings


def test_reopening_on_a_remapped_instance() -> None:
    closed = TicketState(1, 12, 19, INCIDENT, 1, None, has_resolution=True)
    verdict = update(TicketChanges(status_id=12), closed, REMAPPED).verdict
    assert verdict.ok
    assert verdict.warnings == (
        "12 In Progress with no agent assigned; assign one with agent_id",
        "the ticket is being reopened: it moves to 12 In Progress",
    )


@pytest.mark.parametrize(
    ("current", "priority_id", "fix"),
    [
        (replace(OPEN, sla_id=3), 1, "use one of: 4 Low, 5 Planned"),
        (replace(OPEN, sla_id=None), 5, PRIORITIES_SLA_1),  # the type's SLA; 5 is hidden
        (replace(OPEN, sla_id=None, ticket_type_id=PROBLEM), 2, "use one of: 1 Urgent, 3 Standard"),
        (replace(OPEN, sla_id=None, ticket_type_id=None), 9, PRIORITIES_SLA_1 + ", 5 Planned"),
        (replace(OPEN, sla_id=None, ticket_type_id=77), 9, PRIORITIES_SLA_1 + ", 5 Planned"),
    ],
)
def test_update_priority_against_the_tickets_sla(
    current: TicketState, priority_id: int, fix: str
) -> None:
    error = only_error(update(TicketChanges(priority_id=priority_id), current))
    assert (error.field, error.fix) == ("priority_id", fix + PRIORITIES_LISTED)
    assert error.message == f"priority {priority_id} is not available for ticket 1116"


@pytest.mark.parametrize(
    ("current", "priority_id"),
    [
        (replace(OPEN, sla_id=3), 5),
        (replace(OPEN, sla_id=None), 4),
        (replace(OPEN, sla_id=None, ticket_type_id=None), 5),
    ],
)
def test_update_priority_accepted(current: TicketState, priority_id: int) -> None:
    assert update(TicketChanges(priority_id=priority_id), current).verdict.ok


@pytest.mark.parametrize(("agent_id", "ok"), [(77, False), (9, False), (2, True), (0, True)])
def test_update_agent(agent_id: int, ok: bool) -> None:
    assert update(TicketChanges(agent_id=agent_id)).verdict.ok is ok


def test_update_reports_every_violation() -> None:
    changes = TicketChanges(summary="", status_id=77, priority_id=99, agent_id=9, resolution="")
    verdict = update(changes).verdict
    assert [e.field for e in verdict.errors] == [
        "summary",
        "agent_id",
        "resolution",
        "status_id",
        "priority_id",
    ]


def test_with_no_sla_known_the_priority_is_checked_against_every_sla_and_said() -> None:
    plan = create(replace(VALID, ticket_type_id=INTERNAL, priority_id=1))
    assert plan.verdict.ok
    assert plan.verdict.warnings == (
        "HaloPSA named no SLA for tickets of type 6 Internal, so priority 1 was checked "
        "against every SLA's priorities; HaloPSA refuses it on a ticket of SLA 3; "
        "list_priorities shows which SLA offers which",
    )
    current = replace(OPEN, sla_id=None, ticket_type_id=INTERNAL)
    changed = update(TicketChanges(priority_id=4), current)
    assert changed.verdict.ok
    (warning,) = changed.verdict.warnings
    assert warning.startswith("HaloPSA named no SLA for ticket 1116, so priority 4 was checked")
    assert "refuses it on a ticket of SLA 2;" in warning


def test_with_no_sla_known_on_an_instance_of_one_sla_that_sla_is_meant() -> None:
    one_sla = replace(DEFAULT, priorities=tuple(p for p in DEFAULT.priorities if p.sla_id == 1))
    refused = create(replace(VALID, ticket_type_id=INTERNAL, priority_id=9), one_sla)
    assert only_error(refused).fix == PRIORITIES_SLA_1 + PRIORITIES_LISTED
    plan = create(replace(VALID, ticket_type_id=INTERNAL, priority_id=2), one_sla)
    assert plan.verdict.ok
    assert plan.verdict.warnings == ()
