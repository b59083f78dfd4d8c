"""GET /api/Tickets (filters, paging quirk) and GET /api/Tickets/{id}."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer


def tickets(api: httpx.Client, **params: Any) -> dict[str, Any]:
    response = api.get("/Tickets", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [t["id"] for t in body["tickets"]]


def test_done_when_token_then_one_page(
    sandbox: SandboxServer, get_token: Callable[..., httpx.Response]
) -> None:
    token = get_token(sandbox.url).json()["access_token"]
    response = httpx.get(
        f"{sandbox.url}/api/Tickets",
        params={"pageinate": "true", "page_size": 5},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["tickets"]) == 5
    assert body["record_count"] == 120
    assert (body["page_no"], body["page_size"]) == (1, 5)


def test_page_size_is_ignored_without_pageinate(api: httpx.Client) -> None:
    body = tickets(api, page_size=5, page_no=3)
    assert len(body["tickets"]) == 120
    assert body["record_count"] == 120
    assert not {"page_no", "page_size"} & set(body)


def test_count_limits_an_unpaged_list(api: httpx.Client) -> None:
    body = tickets(api, count=7)
    assert len(body["tickets"]) == 7
    assert body["record_count"] == 120


def test_page_size_is_capped_at_100(api: httpx.Client) -> None:
    body = tickets(api, pageinate="true", page_size=500)
    assert body["page_size"] == 100
    assert len(body["tickets"]) == 100


def test_pages_follow_the_order(api: httpx.Client) -> None:
    second = tickets(api, pageinate="true", page_size=50, page_no=2)
    assert ids(second) == list(range(1051, 1101))
    last = tickets(api, pageinate="true", page_size=50, page_no=3)
    assert ids(last) == list(range(1101, 1121))
    assert tickets(api, pageinate="true", page_size=50, page_no=9)["tickets"] == []


def test_list_rows_are_light_and_name_no_status_or_priority(api: httpx.Client) -> None:
    row = tickets(api, count=1)["tickets"][0]
    assert {"id", "summary", "client_name", "status_id", "priority_id", "agent_id"} <= set(row)
    assert not {"status_name", "priority_name", "details"} & set(row)


@pytest.mark.parametrize(
    ("param", "value", "attribute"),
    [
        ("client_id", 15, "client_id"),
        ("site_id", 40, "site_id"),
        ("status_id", 9, "status_id"),
        ("requesttype_id", 2, "tickettype_id"),
        ("agent_id", 0, "agent_id"),
    ],
)
def test_equality_filters(
    sandbox: SandboxServer, api: httpx.Client, param: str, value: int, attribute: str
) -> None:
    expected = [t.id for t in sandbox.state.tickets.values() if getattr(t, attribute) == value]
    assert expected
    assert ids(tickets(api, **{param: value})) == expected


def test_user_filter(sandbox: SandboxServer, api: httpx.Client) -> None:
    user_id = sandbox.state.tickets[1001].user_id
    assert 1001 in ids(tickets(api, user_id=user_id))
    assert all(t["user_id"] == user_id for t in tickets(api, user_id=user_id)["tickets"])


def test_open_and_closed_split_the_tickets(sandbox: SandboxServer, api: httpx.Client) -> None:
    open_ids = set(ids(tickets(api, open_only="true")))
    closed_ids = set(ids(tickets(api, closed_only="true")))
    assert open_ids
    assert closed_ids
    assert not open_ids & closed_ids
    assert open_ids | closed_ids == set(sandbox.state.tickets)
    assert all(sandbox.state.tickets[i].dateclosed for i in closed_ids)


def test_search_matches_summary_details_and_id(sandbox: SandboxServer, api: httpx.Client) -> None:
    expected = [
        t.id
        for t in sandbox.state.tickets.values()
        if "outlook" in t.summary.lower() or "outlook" in t.details.lower()
    ]
    assert expected
    assert ids(tickets(api, search="OUTLOOK")) == expected
    assert ids(tickets(api, search="1042")) == [1042]
    assert ids(tickets(api, search_summary="invoice query")) == [1120]
    assert 1120 in ids(tickets(api, search_details="ignore previous instructions"))


def test_team_and_ticketids_filters(api: httpx.Client) -> None:
    projects = tickets(api, team="projects")["tickets"]
    assert projects
    assert {t["team"] for t in projects} == {"Projects"}
    assert ids(tickets(api, ticketids="1003,1001,9999")) == [1001, 1003]


def test_date_filters(sandbox: SandboxServer, api: httpx.Client) -> None:
    body = tickets(api, datesearch="datecreated", startdate="2026-10-01", enddate="2026-10-15")
    expected = [
        t.id
        for t in sandbox.state.tickets.values()
        if "2026-10-01" <= t.datecreated.date().isoformat() <= "2026-10-15"
    ]
    assert expected
    assert ids(body) == expected
    closed_late = tickets(api, datesearch="dateclosed", startdate="2026-10-20T00:00:00")
    assert closed_late["tickets"]
    assert all(t["dateclosed"] >= "2026-10-20" for t in closed_late["tickets"])


def test_order_and_orderdesc(api: httpx.Client) -> None:
    rows = tickets(api, order="lastactiondate", orderdesc="true")["tickets"]
    dates = [t["lastactiondate"] for t in rows]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"foo": "1"}, "'foo' is not a query parameter of GET /api/Tickets"),
        ({"priority_id": "1"}, "'priority_id' is not a query parameter"),
        ({"client_id": "abc"}, "'client_id' of GET /api/Tickets must be an integer"),
        ({"open_only": "yes"}, "must be a boolean"),
        ({"order": "colour"}, "cannot order tickets by 'colour'"),
        ({"datesearch": "dateresolved", "startdate": "2026-10-01"}, "datesearch must be"),
        ({"startdate": "last week"}, "not an ISO date"),
        ({"ticketids": "1,two"}, "ticketids"),
    ],
)
def test_bad_queries_are_400(api: httpx.Client, params: dict[str, str], message: str) -> None:
    response = api.get("/Tickets", params=params)
    assert response.status_code == 400
    assert message in response.text


def test_get_one_ticket_in_full(sandbox: SandboxServer, api: httpx.Client) -> None:
    body = api.get("/Tickets/1001").json()
    ticket = sandbox.state.tickets[1001]
    assert body["id"] == 1001
    assert body["details"] == ticket.details
    assert body["details_html"].startswith("<p>")
    assert body["timetaken"] == ticket.timetaken
    assert body["hasbeenclosed"] == (ticket.dateclosed is not None)
    assert not {"attachments", "action_outcome"} & set(body)


def test_includedetails_and_includelastaction(sandbox: SandboxServer, api: httpx.Client) -> None:
    hostile = sandbox.state.landmarks.hostile_ticket_id
    body = api.get(f"/Tickets/{hostile}", params={"includedetails": "true"}).json()
    assert body["attachment_count"] == len(body["attachments"]) == 1
    assert "data_base64" not in body["attachments"][0]
    last = api.get("/Tickets/1001", params={"includelastaction": "true"}).json()
    final = max(
        (a for a in sandbox.state.actions.values() if a.ticket_id == 1001), key=lambda a: a.id
    )
    assert last["action_number"] == final.id
    assert last["action_outcome"] == sandbox.state.outcomes[final.outcome_id].outcome


def test_unknown_and_malformed_ids(api: httpx.Client) -> None:
    missing = api.get("/Tickets/999999")
    assert missing.status_code == 404
    assert missing.text == "Ticket 999999 not found"
    assert api.get("/Tickets/abc").status_code == 400


def test_wrong_method_and_unknown_path(api: httpx.Client) -> None:
    assert api.put("/Tickets", json=[]).status_code == 405
    assert api.delete("/Tickets/1001").status_code == 405
    assert api.get("/Nonsense").status_code == 404
