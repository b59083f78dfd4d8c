"""Lookup endpoints: bare arrays where Halo sends them, filters, the per-SLA priorities."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer


def get(api: httpx.Client, path: str, **params: Any) -> Any:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


BARE_ARRAYS = ["/Status", "/Priority", "/TicketType", "/Outcome", "/Agent", "/Team", "/SLA"]


@pytest.mark.parametrize("path", BARE_ARRAYS)
def test_lookups_are_bare_arrays(api: httpx.Client, path: str) -> None:
    rows = get(api, path)
    assert isinstance(rows, list)
    assert rows
    assert all("id" in row for row in rows)


def test_statuses_defaults_plus_instance_ones(api: httpx.Client) -> None:
    statuses = {s["id"]: s for s in get(api, "/Status")}
    assert set(statuses) == {1, 2, 3, 4, 5, 6, 8, 9, 21, 22, 23}
    assert {s["type"] for s in statuses.values()} == {0, 1, 2, 3}
    assert (statuses[8]["type"], statuses[9]["type"]) == (2, 3)
    assert statuses[23]["tickettypes"] == [{"value": "2", "label": "Change Request"}]
    assert "tickettypes" not in statuses[1]


def test_statuses_per_ticket_type(api: httpx.Client) -> None:
    change = {s["id"] for s in get(api, "/Status", tickettype_id=2)}
    incident = {s["id"] for s in get(api, "/Status", tickettype_id=1)}
    assert 23 in change - incident
    assert 22 in incident - change
    assert {s["id"] for s in get(api, "/Status", ticket_id=1001)} == incident
    assert not {8, 9} & {s["id"] for s in get(api, "/Status", excludeclosed="true")}


def test_priorities_are_per_sla(api: httpx.Client) -> None:
    rows = get(api, "/Priority")
    assert len({r["id"] for r in rows}) == len(rows)  # a uuid per row
    assert all(isinstance(r["id"], str) for r in rows)
    by_sla = {sla: {r["priorityid"] for r in rows if r["slaid"] == sla} for sla in (1, 2, 3)}
    assert by_sla == {1: {1, 2, 3, 4}, 2: {1, 2, 3, 4}, 3: {3, 4, 5}}
    assert {r["slaid"] for r in get(api, "/Priority", slaid=3)} == {3}
    standard = {r["priorityid"]: r for r in rows if r["slaid"] == 1}
    premium = {r["priorityid"]: r for r in rows if r["slaid"] == 2}
    assert (premium[1]["responsetime"], premium[1]["responseunits"]) == (15, "minutes")
    assert (standard[1]["responsetime"], standard[1]["responseunits"]) == (1, "hours")


def test_ticket_types_hide_the_inactive_one(api: httpx.Client) -> None:
    active = {t["id"]: t for t in get(api, "/TicketType")}
    assert set(active) == {1, 2, 3, 4}
    assert (active[2]["name"], active[2]["default_sla"]) == ("Change Request", 3)
    assert active[1]["initial_status"] == 1
    assert {t["id"] for t in get(api, "/TicketType", showinactive="true")} == {1, 2, 3, 4, 5}
    creatable = get(api, "/TicketType", showinactive="true", can_create_only="true")
    assert {t["id"] for t in creatable} == {1, 2, 3, 4}


def test_outcomes(api: httpx.Client) -> None:
    outcomes = {o["outcome"]: o for o in get(api, "/Outcome")}
    assert outcomes["Resolve"]["newstatus"] == 8
    assert outcomes["Resolve"]["mustaddnote"] is True
    assert outcomes["Private Note"]["hidefromuser"] is True
    assert outcomes["Customer Update"]["newstatus"] == 0
    assert "Approve Change" not in {o["outcome"] for o in get(api, "/Outcome", tickettype_id=1)}
    assert "Approve Change" in {o["outcome"] for o in get(api, "/Outcome", tickettype_id=2)}


def test_agents(api: httpx.Client) -> None:
    enabled = get(api, "/Agent")
    assert {a["id"] for a in enabled} == set(range(2, 9))
    assert {a["id"] for a in get(api, "/Agent", includedisabled="true")} == set(range(2, 10))
    infrastructure = get(api, "/Agent", team_id=2)
    assert {a["team"] for a in infrastructure} == {"Infrastructure"}
    assert get(api, "/Agent", team="infrastructure") == infrastructure
    assert [a["name"] for a in get(api, "/Agent", search="okafor")] == ["Daniel Okafor"]


def test_teams_and_slas(api: httpx.Client) -> None:
    assert [t["name"] for t in get(api, "/Team")] == ["Service Desk", "Infrastructure", "Projects"]
    slas = get(api, "/SLA", showpriorities="true")
    assert [s["name"] for s in slas] == ["Standard SLA", "Premium 24x7", "Change Management"]
    assert [p["priorityid"] for p in slas[2]["priorities"]] == [3, 4, 5]
    assert "priorities" not in get(api, "/SLA")[0]


def test_clients_are_wrapped_and_paged(api: httpx.Client) -> None:
    body = get(api, "/Client")
    assert body["record_count"] == len(body["clients"]) == 6
    assert min(c["id"] for c in body["clients"]) > 1
    everyone = get(api, "/Client", includeinactive="true")
    assert [c["name"] for c in everyone["clients"] if c["inactive"]] == ["Pinewood Bakery Co"]
    page = get(api, "/Client", pageinate="true", page_size=2, page_no=2)
    assert (page["record_count"], len(page["clients"]), page["page_no"]) == (6, 2, 2)
    assert len(get(api, "/Client", page_size=2)["clients"]) == 6
    assert [c["id"] for c in get(api, "/Client", search="bramley")["clients"]] == [18]


def test_sites_and_users(api: httpx.Client) -> None:
    sites = get(api, "/Site", client_id=12)
    assert sites["record_count"] == 3
    assert {s["client_id"] for s in sites["sites"]} == {12}
    users = get(api, "/Users", client_id=12)
    assert 3 <= users["record_count"] <= 6
    assert all(u["emailaddress"].endswith("@harbourside-dental.example") for u in users["users"])
    first = users["users"][0]
    assert get(api, "/Users", search=first["surname"].lower())["record_count"] >= 1
    assert {u["site_id"] for u in get(api, "/Users", site_id=first["site_id"])["users"]} == {
        first["site_id"]
    }


@pytest.mark.parametrize("key", ["default_sla", "default_sla_id", "sla_id", "slaid", "sla"])
@pytest.mark.parametrize(
    ("form", "sent"),
    [("number", 3), ("text", "3"), ("object", {"id": 3, "name": "Change Management"})],
)
def test_a_ticket_types_sla_under_each_versions_key(
    start_sandbox: Callable[..., SandboxServer],
    connect: Callable[..., httpx.Client],
    key: str,
    form: str,
    sent: object,
) -> None:
    server = start_sandbox(ticket_type_sla_key=key, ticket_type_sla_form=form)
    change = {t["id"]: t for t in get(connect(server.url), "/TicketType")}[2]
    others = {"default_sla", "default_sla_id", "sla_id", "slaid", "sla"} - {key}
    assert not others & change.keys()
    assert change[key] == sent


def test_a_ticket_type_without_an_sla(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    server = start_sandbox(ticket_type_sla_key=None)
    keys = {k for t in get(connect(server.url), "/TicketType") for k in t}
    assert not {"default_sla", "default_sla_id", "sla_id", "slaid", "sla"} & keys
