"""HaloPSA's JSON into the domain's records, and the domain's writes into HaloPSA's
fields: every shape quirk an instance may send is absorbed here, tested once."""

from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

import pytest

from halopsa_mcp.client import HaloResponseError, wire
from halopsa_mcp.client.payloads import ActionFields, AttachmentUpload, TicketFields
from halopsa_mcp.client.values import integer
from halopsa_mcp.domain.records import (
    Action,
    Agent,
    Attachment,
    Outcome,
    Priority,
    SlaFacts,
    Status,
    Target,
    Team,
    Ticket,
    TicketType,
)
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.domain.writes import ActionWrite, AttachmentWrite, TicketWrite

# Rows a careless or odd instance could return; none of them may raise.
JUNK: list[Any] = [None, "row", 7, [], {}, {"id": None}, {"id": True}, {"id": "abc"}, {"id": 1.5}]


def test_statuses() -> None:
    rows = [
        {"id": 1, "name": "New", "shortname": "New", "type": 0},
        {"id": "2", "name": " In Progress ", "tickettypes": []},
        {"id": 23, "name": "Change Approved", "tickettypes": [{"value": "2", "label": "CR"}]},
        {"id": 24, "name": "Mixed", "tickettypes": [{"value": 3}, {"value": "x"}, {}, "4", None]},
        {"id": 25.0, "name": 7, "tickettypes": "not a list"},
        *JUNK,
    ]
    assert wire.statuses(rows) == (
        Status(1, "New", role="new"),
        Status(2, "In Progress", role="in_progress"),
        Status(23, "Change Approved", frozenset({2})),
        Status(24, "Mixed", frozenset({3, 4})),
        Status(25, ""),
    )


def test_priorities_ignores_the_row_id() -> None:
    rows = [
        {"id": "0f9c-uuid", "slaid": 1, "priorityid": 3, "name": "Medium", "ishidden": False},
        {"id": "other", "slaid": "2", "priorityid": "1", "name": "Urgent", "ishidden": True},
        {"slaid": 1, "priorityid": 4, "name": "Low", "ishidden": "yes"},
        {"slaid": 1, "name": "no priorityid"},
        {"priorityid": 2, "name": "no slaid"},
        {"slaid": None, "priorityid": 2},
        *JUNK,
    ]
    assert wire.priorities(rows) == (
        Priority(1, 3, "Medium"),
        Priority(2, 1, "Urgent", hidden=True),
        Priority(1, 4, "Low"),
    )


def test_ticket_types() -> None:
    rows = [
        {"id": 1, "name": "Incident", "default_sla": 1, "initial_status": 1, "cancreate": True},
        {"id": 5, "name": "Legacy", "default_sla": 0, "initial_status": "0", "cancreate": False},
        {"id": 6, "name": "Bare"},
        {"id": 7, "name": "Odd", "default_sla": "x", "initial_status": -1, "cancreate": "no"},
        *JUNK,
    ]
    assert wire.ticket_types(rows) == (
        TicketType(1, "Incident", sla_id=1, initial_status_id=1),
        TicketType(5, "Legacy", sla_id=None, initial_status_id=None, can_create=False),
        TicketType(6, "Bare", sla_id=None, initial_status_id=None),
        TicketType(7, "Odd", sla_id=None, initial_status_id=None),
    )


def test_outcomes() -> None:
    rows = [
        {"id": 1, "outcome": "Private Note", "newstatus": 0, "hidefromuser": True},
        {"id": 7, "outcome": "Resolve", "newstatus": 8, "buttonname": "Resolve"},
        {"id": 10, "outcome": "Approve", "newstatus": "23", "tickettypes": [{"value": "2"}]},
        {"id": 11, "name": "uses name, not outcome", "newstatus": None, "hidefromuser": 1},
        *JUNK,
    ]
    assert wire.outcomes(rows) == (
        Outcome(1, "Private Note", None, hidden_from_user=True),
        Outcome(7, "Resolve", 8),
        Outcome(10, "Approve", 23, ticket_type_ids=frozenset({2})),
        Outcome(11, "", None),
    )


def test_agents() -> None:
    rows = [
        {"id": 2, "name": "Priya Natarajan", "isdisabled": False},
        {"id": 9, "name": "Ravi Desai", "isdisabled": True},
        {"id": 3, "isdisabled": "true"},
        *JUNK,
    ]
    assert wire.agents(rows) == (
        Agent(2, "Priya Natarajan"),
        Agent(9, "Ravi Desai", disabled=True),
        Agent(3, ""),
    )


def test_parsers_accept_no_rows() -> None:
    for parse in (wire.statuses, wire.priorities, wire.ticket_types, wire.outcomes):
        assert parse([]) == ()
    assert wire.agents([]) == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("3", 3), (" 3 ", 3), (3.0, 3), (3.5, None), (True, None), (None, None), ("x", None)],
)
def test_one_rule_for_integers(value: object, expected: int | None) -> None:
    assert integer(value) == expected


@pytest.mark.parametrize("key", wire.SLA_KEYS)
def test_a_ticket_types_sla_under_any_of_its_keys(key: str) -> None:
    (parsed,) = wire.ticket_types([{"id": 1, "name": "Incident", key: "4"}])
    assert parsed.sla_id == 4


def test_priority_targets() -> None:
    rows = [
        {"slaid": 1, "priorityid": 2, "name": "High", "responsetime": 4, "responseunits": "hours",
         "fixtime": 1.5, "fixunits": " days "},
        {"slaid": 1, "priorityid": 3, "name": "Medium", "responsetime": 0, "fixtime": True},
    ]  # fmt: skip
    assert wire.priorities(rows) == (
        Priority(1, 2, "High", response=Target(4, "hours"), fix=Target(1.5, "days")),
        Priority(1, 3, "Medium"),
    )


def test_teams_keep_their_names_and_whether_inactive() -> None:
    rows = [
        {"id": 1, "name": " Service Desk "},
        {"name": "Old", "inactive": True},
        {"id": 3},
        *JUNK,
    ]
    assert wire.teams(rows) == (Team("Service Desk"), Team("Old", inactive=True))


@pytest.mark.parametrize("said", [None, "", "false", "no", []])
def test_a_client_or_team_is_inactive_only_when_halopsa_says_true(said: object) -> None:
    # Junk is no answer: a client read as inactive would refuse every ticket for it.
    assert wire.client({"id": 1, "inactive": said}).inactive is False
    assert wire.teams([{"name": "Desk", "inactive": said}]) == (Team("Desk"),)


def test_a_ticket_from_halopsas_fields() -> None:
    row = {
        "id": "1116", "summary": "Printer offline", "client_id": 12, "client_name": "Acme",
        "status_id": 2, "priority_id": "3", "sla_id": 1, "agent_id": 0, "tickettype_id": 1,
        "dateoccurred": "2026-01-02T09:00:00", "lastactiondate": "2026-01-03T10:00:00",
        "details": "plain", "details_html": "<p>html</p>", "site_name": "HQ",
        "user_name": "Jo", "team": "Service Desk", "category_1": "Printing",
        "closure_note": "<p>Fixed</p>", "dateclosed": None, "fixbydate": "2026-01-05",
    }  # fmt: skip
    ticket = wire.ticket(row)
    assert ticket == Ticket(
        id=1116, summary="Printer offline", client_id=12, client_name="Acme", status_id=2,
        priority_id=3, sla_id=1, agent_id=0, ticket_type_id=1, created="2026-01-02T09:00:00",
        last_action="2026-01-03T10:00:00", details="<p>html</p>", site_name="HQ",
        user_name="Jo", team="Service Desk", category="Printing", resolution="<p>Fixed</p>",
        closed=None, sla=SlaFacts(fix_by=datetime(2026, 1, 5, tzinfo=UTC)),
    )  # fmt: skip
    assert ticket.raw["fixbydate"] == "2026-01-05"


def test_a_sparse_ticket() -> None:
    assert wire.ticket({"id": 5, "datecreated": "2026-01-01", "summary": 7, "details": "d"}) == (
        Ticket(id=5, created="2026-01-01", details="d")
    )


@pytest.mark.parametrize("parse", [wire.ticket, wire.action, wire.attachment, wire.client])
@pytest.mark.parametrize("row", [{}, {"id": None}, {"id": True}, {"id": "abc"}])
def test_a_record_without_an_id_is_an_unusable_answer(parse: Any, row: dict[str, Any]) -> None:
    with pytest.raises(HaloResponseError, match="without a usable id"):
        parse(row)


def test_an_action_from_halopsas_fields() -> None:
    row = {
        "id": 7, "ticket_id": "1116", "actiondatecreated": "2026-01-02", "who_agentid": 3,
        "who": "Tom", "outcome": "Private Note", "note": "n", "note_html": "<p>n</p>",
        "timetaken": 0.25, "hiddenfromuser": False, "new_status": 0,
        "actionby_application_id": "Claude",
    }  # fmt: skip
    assert wire.action(row) == Action(
        id=7, ticket_id=1116, when="2026-01-02", who_agent_id=3, who="Tom",
        outcome="Private Note", note="<p>n</p>", hours=0.25, hidden_from_user=False,
        new_status_id=None, application="Claude",
    )  # fmt: skip
    # An action that does not say is internal, as HaloPSA's own default is.
    assert wire.action({"id": 8, "timetaken": True}) == Action(id=8, ticket_id=0)


@pytest.mark.parametrize("said", [None, "", 0, "false", [], {}])
def test_an_action_that_does_not_say_a_flag_is_internal(said: object) -> None:
    # Only a real false shows a note as the customer's to see; null or junk is no answer.
    assert wire.action({"id": 8, "hiddenfromuser": said}).hidden_from_user is True


def test_an_attachment_from_halopsas_fields() -> None:
    row = {"id": 3, "filename": "a.png", "filesize": 10, "isimage": "yes", "desc": "shot",
           "datecreated": "2026-01-02", "action_id": 0}  # fmt: skip
    assert wire.attachment(row) == Attachment(
        id=3, filename="a.png", size_bytes=10, created="2026-01-02", description="shot"
    )


def test_every_ticket_write_field_has_its_wire_name() -> None:
    write = TicketWrite(
        summary="s", details_html="<p>d</p>", client_id=12, site_id=40, user_id=501,
        ticket_type_id=1, status_id=2, priority_id=3, agent_id=0, team="Desk",
        category="Printing", resolution_html="<p>r</p>",
    )  # fmt: skip
    assert wire.preview(write) == {
        "summary": "s", "details_html": "<p>d</p>", "client_id": 12, "site_id": 40,
        "user_id": 501, "tickettype_id": 1, "status_id": 2, "priority_id": 3, "agent_id": 0,
        "team": "Desk", "category_1": "Printing", "closure_note": "<p>r</p>",
    }  # fmt: skip


def test_only_what_a_write_sets_is_sent() -> None:
    assert wire.preview(TicketWrite(summary="", agent_id=None)) == {"summary": ""}
    # sendemail is the exception: left out, an outcome may email the end user.
    assert wire.preview(ActionWrite(ticket_id=5)) == {
        "ticket_id": 5, "hiddenfromuser": True, "sendemail": False,
    }  # fmt: skip


def test_every_action_write_field_has_its_wire_name() -> None:
    write = ActionWrite(
        ticket_id=5, hidden_from_user=False, outcome_id=2, note_html="<p>n</p>", hours=0.75,
        new_status_id=8, billable=False, send_email=True,
    )  # fmt: skip
    assert wire.preview(write) == {
        "ticket_id": 5, "hiddenfromuser": False, "outcome_id": 2, "note_html": "<p>n</p>",
        "timetaken": 0.75, "new_status": 8, "actisbillable": False, "sendemail": True,
    }  # fmt: skip


def test_an_attachment_write_has_its_wire_names() -> None:
    write = AttachmentWrite(5, "a.txt", "YQ==", action_id=7, description="log", is_image=False)
    assert AttachmentUpload.of(write).wire() == {
        "ticket_id": 5, "filename": "a.txt", "data_base64": "YQ==", "action_id": 7,
        "desc": "log", "isimage": False,
    }  # fmt: skip


def test_a_search_in_halopsas_parameters() -> None:
    search = TicketSearch(
        text="printer", client_id=12, status_id=2, agent_id=3, ticket_type_id=1,
        open_only=True, date_field="opened", date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 31), order_by="created", descending=False,
    )  # fmt: skip
    assert wire.ticket_query(search).wire() == {
        "search": "printer", "client_id": 12, "status_id": 2, "agent_id": 3,
        "requesttype_id": 1, "open_only": True, "order": "datecreated", "orderdesc": False,
        "datesearch": "dateoccured", "startdate": "2026-01-01",
        "enddate": "2026-01-31T23:59:59",
    }  # fmt: skip


def test_an_empty_search_sends_no_filter() -> None:
    assert wire.ticket_query(TicketSearch()).wire() == {}
    closed = TicketSearch(date_field="closed", date_from=date(2026, 2, 1))
    assert wire.ticket_query(closed).wire() == {
        "datesearch": "datecleared",
        "startdate": "2026-02-01",
    }


@pytest.mark.parametrize(
    ("write", "payload"),
    [(TicketWrite, TicketFields), (ActionWrite, ActionFields), (AttachmentWrite, AttachmentUpload)],
)
def test_each_domain_write_has_a_payload_field_for_each_of_its_fields(
    write: type, payload: type[TicketFields | ActionFields | AttachmentUpload]
) -> None:
    assert {f.name for f in fields(write)} == set(payload.model_fields)


def test_an_upload_preview_shows_the_size_not_the_content() -> None:
    write = AttachmentWrite(5, "a.png", "iVBORw0KGgo=", action_id=7, is_image=True)
    assert wire.attachment_preview(write, 8) == {
        "ticket_id": 5, "filename": "a.png", "isimage": True, "desc": None, "size_bytes": 8,
    }  # fmt: skip
