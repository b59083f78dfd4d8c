"""GET and POST /api/Actions: outcomes, visibility, time, status changes."""

from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer


def add(api: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return api.post("/Actions", json=list(items))


def open_incident(sandbox: SandboxServer) -> int:
    return next(
        t.id for t in sandbox.state.tickets.values() if t.status_id == 1 and t.tickettype_id == 1
    )


def test_list_actions_of_a_ticket(sandbox: SandboxServer, api: httpx.Client) -> None:
    body = api.get("/Actions", params={"ticket_id": 1001}).json()
    expected = [a for a in sandbox.state.actions.values() if a.ticket_id == 1001]
    assert body["record_count"] == len(body["actions"]) == len(expected) > 0
    assert {a["ticket_id"] for a in body["actions"]} == {1001}
    times = [a["datetime"] for a in body["actions"]]
    assert times == sorted(times, reverse=True)  # newest first
    assert all(isinstance(a["timetaken"], float) for a in body["actions"])


def test_list_filters(sandbox: SandboxServer, api: httpx.Client) -> None:
    visible = api.get("/Actions", params={"ticket_id": 1001, "excludeprivate": "true"}).json()
    assert all(not a["hiddenfromuser"] for a in visible["actions"])
    timed = api.get("/Actions", params={"timeentriesonly": "true", "count": 5}).json()
    assert len(timed["actions"]) == 5
    assert all(a["timetaken"] > 0 for a in timed["actions"])


def test_get_one_action(sandbox: SandboxServer, api: httpx.Client) -> None:
    action = next(iter(sandbox.state.actions.values()))
    assert api.get(f"/Actions/{action.id}").json()["note"] == action.note
    assert api.get(f"/Actions/{action.id}", params={"ticket_id": 1}).status_code == 404
    assert api.get("/Actions/5").text == "Action 5 not found"


@pytest.mark.parametrize(
    "item",
    [
        {"note": "no outcome"},
        {"note": "blank outcome", "outcome": " "},
        {"note": "unknown outcome", "outcome": "Teleport"},
        {"note": "unknown id", "outcome_id": 99},
    ],
)
def test_an_action_needs_an_outcome(
    sandbox: SandboxServer, api: httpx.Client, item: dict[str, Any]
) -> None:
    before = len(sandbox.state.actions)
    response = add(api, {"ticket_id": 1001, **item})
    assert response.status_code == 400
    assert response.text == "An Outcome must be entered for this Action"
    assert len(sandbox.state.actions) == before


def test_outcome_by_name_sets_default_visibility(sandbox: SandboxServer, api: httpx.Client) -> None:
    ticket_id = open_incident(sandbox)
    private = add(api, {"ticket_id": ticket_id, "outcome": "private NOTE", "note": "x"}).json()
    assert (private["outcome_id"], private["hiddenfromuser"]) == (1, True)
    update = add(api, {"ticket_id": ticket_id, "outcome": "Customer Update", "note": "y"}).json()
    assert update["hiddenfromuser"] is False
    forced = add(
        api, {"ticket_id": ticket_id, "outcome_id": 2, "note": "z", "hiddenfromuser": True}
    ).json()
    assert forced["hiddenfromuser"] is True


def test_time_and_outcome_status_reach_the_ticket(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    ticket_id = open_incident(sandbox)
    before = api.get(f"/Tickets/{ticket_id}").json()
    action = add(
        api,
        {"ticket_id": ticket_id, "outcome": "Resolve", "note": "Fixed it", "timetaken": 1.25},
    ).json()
    assert action["new_status"] == 8
    assert action["timetaken"] == 1.25
    after = api.get(f"/Tickets/{ticket_id}").json()
    assert after["status_id"] == 8
    assert after["dateclosed"] is not None
    assert after["timetaken"] == before["timetaken"] + 1.25
    assert after["lastactiondate"] == action["datetime"]


def test_explicit_new_status_wins(sandbox: SandboxServer, api: httpx.Client) -> None:
    ticket_id = open_incident(sandbox)
    item = {"ticket_id": ticket_id, "outcome": "Private Note", "note": "x", "new_status": 22}
    assert add(api, item).json()["new_status"] == 22
    assert sandbox.state.tickets[ticket_id].status_id == 22


@pytest.mark.parametrize(
    ("item", "status", "message"),
    [
        ({"outcome": "Private Note", "new_status": 23}, 400, "'Change Approved' (23) is not valid"),
        ({"outcome": "Approve Change"}, 400, "'Approve Change' is not valid for ticket type"),
        ({"outcome": "Time Entry", "timetaken": -1}, 400, "Time taken cannot be negative"),
        ({"outcome": "Private Note", "who_agentid": 77}, 400, "Agent 77 not found"),
    ],
)
def test_invalid_actions(
    sandbox: SandboxServer, api: httpx.Client, item: dict[str, Any], status: int, message: str
) -> None:
    response = add(api, {"ticket_id": open_incident(sandbox), "note": "x", **item})
    assert response.status_code == status
    assert message in response.text


def test_unknown_or_missing_ticket(api: httpx.Client) -> None:
    assert add(api, {"ticket_id": 999999, "outcome": "Private Note"}).status_code == 404
    missing = add(api, {"outcome": "Private Note"})
    assert (missing.status_code, missing.text) == (400, "Ticket ID required")


def test_note_and_note_html(sandbox: SandboxServer, api: httpx.Client) -> None:
    ticket_id = open_incident(sandbox)
    plain = add(api, {"ticket_id": ticket_id, "outcome": "Private Note", "note": "a < b"}).json()
    assert plain["note_html"] == "<p>a &lt; b</p>"
    rich = add(
        api, {"ticket_id": ticket_id, "outcome": "Private Note", "note_html": "<i>hi</i>"}
    ).json()
    assert rich["note_html"] == rich["note"] == "<i>hi</i>"


def test_several_actions_answer_an_array(sandbox: SandboxServer, api: httpx.Client) -> None:
    ticket_id = open_incident(sandbox)
    body = add(
        api,
        {"ticket_id": ticket_id, "outcome": "Phone Call", "note": "called"},
        {"ticket_id": ticket_id, "outcome": "Time Entry", "note": "work", "timetaken": 0.5},
    ).json()
    assert isinstance(body, list)
    assert [a["outcome"] for a in body] == ["Phone Call", "Time Entry"]


def test_action_fields_are_checked(api: httpx.Client) -> None:
    response = add(api, {"ticket_id": 1001, "outcome": "Private Note", "actiontype_id": 0})
    assert response.status_code == 400
    assert "'actiontype_id' is not a field of Actions (POST /api/Actions)" in response.text
