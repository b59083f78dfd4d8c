"""POST /api/Tickets: create, partial update, reference checks, the answer's shape."""

from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer


def post(api: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return api.post("/Tickets", json=list(items))


def test_create_fills_halo_defaults(sandbox: SandboxServer, api: httpx.Client) -> None:
    response = post(api, {"summary": "Monitor flickering", "client_id": 12})
    assert response.status_code == 200, response.text
    created = response.json()
    assert isinstance(created, dict)  # one item in, one object out
    assert created["id"] == 1121
    assert created["tickettype_id"] == 1  # Incident
    assert created["status_id"] == 1  # the type's initial status
    assert created["priority_id"] == 3
    assert created["sla_id"] == 1  # the type's default SLA
    assert created["site_id"] == 40  # the client's main site
    assert created["agent_id"] == 0
    assert created["fixbydate"] > created["datecreated"]
    assert api.get("/Tickets/1121").json()["summary"] == "Monitor flickering"
    assert len(sandbox.state.tickets) == 121


def test_create_several_answers_an_array(api: httpx.Client) -> None:
    created = post(api, {"summary": "One", "client_id": 12}, {"summary": "Two", "client_id": 15})
    body = created.json()
    assert isinstance(body, list)
    assert [t["summary"] for t in body] == ["One", "Two"]


def test_create_with_every_reference(api: httpx.Client) -> None:
    item = {
        "summary": "Approved switch swap",
        "details": "Line one\nLine <two>",
        "client_id": 31,
        "site_id": 50,
        "tickettype_id": 2,
        "status_id": 23,
        "priority_id": 5,
        "agent_id": 8,
        "team": "Projects",
        "category_1": "Network",
        "dateoccurred": "2026-11-20T10:30:00Z",
    }
    body = post(api, item).json()
    assert {k: body[k] for k in item if k not in ("details", "dateoccurred")} == {
        k: v for k, v in item.items() if k not in ("details", "dateoccurred")
    }
    assert body["sla_id"] == 3
    assert body["dateoccurred"] == "2026-11-20T10:30:00"
    assert body["details_html"] == "<p>Line one<br>Line &lt;two&gt;</p>"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"client_id": 12}, "Summary is required"),
        ({"summary": "  ", "client_id": 12}, "Summary is required"),
        ({"summary": "No client"}, "Client ID required"),
        ({"summary": "x", "client_id": 99}, "Client 99 not found"),
        ({"summary": "x", "client_id": 34}, "Client 34 is inactive"),
        ({"summary": "x", "client_id": 12, "site_id": 43}, "Site 43 does not belong to client 12"),
        ({"summary": "x", "client_id": 12, "user_id": 9999}, "User 9999 does not belong"),
        (
            {"summary": "x", "client_id": 12, "tickettype_id": 5},
            "'Legacy Request' is not available",
        ),
        ({"summary": "x", "client_id": 12, "tickettype_id": 77}, "Ticket type 77 not found"),
        ({"summary": "x", "client_id": 12, "status_id": 23}, "'Change Approved' (23) is not valid"),
        ({"summary": "x", "client_id": 12, "status_id": 7}, "Status 7 not found"),
        (
            {"summary": "x", "client_id": 12, "tickettype_id": 2, "priority_id": 1},
            "Priority 1 is not valid for SLA 'Change Management' (3)",
        ),
        ({"summary": "x", "client_id": 12, "priority_id": 5}, "Priority 5 is not valid for SLA"),
        ({"summary": "x", "client_id": 12, "sla_id": 8}, "SLA 8 not found"),
        ({"summary": "x", "client_id": 12, "agent_id": 9}, "Agent 9 not found or inactive"),
        ({"summary": "x", "client_id": 12, "team": "Sales"}, "Team 'Sales' not found"),
    ],
)
def test_create_rejects_inconsistent_references(
    sandbox: SandboxServer, api: httpx.Client, item: dict[str, Any], message: str
) -> None:
    response = post(api, item)
    assert response.status_code == 400
    assert message in response.text
    assert len(sandbox.state.tickets) == 120


def test_users_of_the_client_are_accepted(sandbox: SandboxServer, api: httpx.Client) -> None:
    user = next(u for u in sandbox.state.users.values() if u.client_id == 12)
    body = post(api, {"summary": "x", "client_id": 12, "user_id": user.id}).json()
    assert body["user_name"] == user.name
    assert body["user_email"] == user.emailaddress


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"summary": "x", "client_id": 12}, "takes a JSON array of Faults objects"),
        ([], "takes a JSON array of Faults objects"),
        (["x"], "takes a JSON array of Faults objects"),
        ([{"summary": "x", "client_id": 12, "foo": 1}], "'foo' is not a field of Faults"),
        ([{"summary": "x", "resolution": "done"}], "'resolution' is not a field of Faults"),
        ([{"summary": "x", "client_id": "12"}], "field 'client_id' of Faults"),
    ],
)
def test_bodies_are_checked_against_the_schema(api: httpx.Client, body: Any, message: str) -> None:
    response = api.post("/Tickets", json=body)
    assert response.status_code == 400
    assert message in response.text


def test_unknown_field_message_names_schema_and_operation(api: httpx.Client) -> None:
    response = post(api, {"summary": "x", "client_id": 12, "foo": 1})
    assert response.text == "sandbox: 'foo' is not a field of Faults (POST /api/Tickets)"


def test_a_body_that_is_not_json_is_400(api: httpx.Client) -> None:
    response = api.post("/Tickets", content=b"summary=x", headers={"content-type": "text/plain"})
    assert response.status_code == 400
    assert "not valid JSON" in response.text


def test_update_changes_only_the_fields_sent(sandbox: SandboxServer, api: httpx.Client) -> None:
    before = api.get("/Tickets/1005").json()
    response = post(api, {"id": 1005, "summary": "Renamed"})
    assert response.status_code == 200
    after = api.get("/Tickets/1005").json()
    assert after["summary"] == "Renamed"
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"summary", "last_update"}


def test_update_checks_only_what_it_touches(sandbox: SandboxServer, api: httpx.Client) -> None:
    # Ticket 1001 is assigned in the seed; a disabled agent elsewhere must not matter.
    assert post(api, {"id": 1001, "category_1": "Email"}).status_code == 200
    ticket = sandbox.state.tickets[1001]
    wrong_priority = 5 if ticket.sla_id != 3 else 1
    response = post(api, {"id": 1001, "priority_id": wrong_priority})
    assert response.status_code == 400
    assert f"Priority {wrong_priority} is not valid" in response.text


def test_null_clears_an_optional_field_and_leaves_a_required_one(api: httpx.Client) -> None:
    body = post(api, {"id": 1002, "category_1": None, "status_id": None}).json()
    assert body["category_1"] is None
    assert body["status_id"] == api.get("/Tickets/1002").json()["status_id"] != 0


def test_update_of_an_unknown_ticket_is_404(api: httpx.Client) -> None:
    response = post(api, {"id": 999999, "summary": "x"})
    assert response.status_code == 404
    assert response.text == "Ticket 999999 not found"


def test_closing_and_reopening(sandbox: SandboxServer, api: httpx.Client) -> None:
    created = post(api, {"summary": "Close me", "client_id": 12}).json()
    closed = post(api, {"id": created["id"], "status_id": 9}).json()
    assert closed["dateclosed"] is not None
    assert closed["hasbeenclosed"] is True
    reopened = post(api, {"id": created["id"], "status_id": 2}).json()
    assert reopened["dateclosed"] is None
    assert reopened["hasbeenclosed"] is True


def test_workflow_rules_are_not_enforced(api: httpx.Client) -> None:
    # Real Halo closes without a closure note; the MCP layer is where that rule lives.
    created = post(api, {"summary": "Straight to closed", "client_id": 15, "status_id": 9}).json()
    assert created["status_id"] == 9
    assert created["closure_note"] is None


def test_details_html_alone_fills_details(api: httpx.Client) -> None:
    body = post(api, {"summary": "x", "client_id": 12, "details_html": "<b>bold</b>"}).json()
    assert body["details"] == body["details_html"] == "<b>bold</b>"
