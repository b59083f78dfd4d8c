"""Injected faults, before and after the handler, as a client over HTTP sees them."""

import json
import time
from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.sandbox.faults import FaultKind

NEW_TICKET = [{"summary": "Exactly once", "client_id": 12}]


def created_once(sandbox: SandboxServer) -> bool:
    matching = [t for t in sandbox.state.tickets.values() if t.summary == "Exactly once"]
    return len(matching) == 1


def test_rate_limit_without_retry_after(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit"))
    limited = api.get("/Status")
    assert limited.status_code == 429
    assert limited.text == "Rate Limit Reached - 300 Requests per rolling 5 minute window"
    assert "retry-after" not in limited.headers
    assert api.get("/Status").status_code == 200  # times=1: used up


def test_rate_limit_with_retry_after(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", retry_after=2))
    assert api.get("/Status").headers["retry-after"] == "2"


def test_server_error_status(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", status=503, times=2))
    assert [api.get("/Status").status_code for _ in range(3)] == [503, 503, 200]


def test_slow_delays_then_answers(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="slow", delay=0.3))
    started = time.monotonic()
    assert api.get("/Status").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_slow_write_lands_after_the_client_gave_up(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    sandbox.state.faults.add(FaultRule(kind="slow", delay=0.4, method="POST"))
    with pytest.raises(httpx.ReadTimeout):
        api.post("/Tickets", json=NEW_TICKET, timeout=0.1)
    time.sleep(0.5)
    assert created_once(sandbox)


def test_drop_is_a_transport_error(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/Status")
    assert api.get("/Status").status_code == 200


def test_malformed_json(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="malformed_json"))
    response = api.get("/Tickets")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_expire_token_answers_401_from_then_on(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="expire_token", path="/api/Tickets"))
    assert api.get("/Status").status_code == 200
    assert api.get("/Tickets/1001").status_code == 401
    assert api.get("/Status").status_code == 401


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("server_error", None),
        ("drop", httpx.RemoteProtocolError),
        ("malformed_json", json.JSONDecodeError),
    ],
)
def test_after_faults_hide_a_write_that_happened(
    sandbox: SandboxServer, api: httpx.Client, kind: FaultKind, error: type[Exception] | None
) -> None:
    sandbox.state.faults.add(FaultRule(kind=kind, when="after", method="POST"))
    if error is None:
        assert api.post("/Tickets", json=NEW_TICKET).status_code == 500
    else:
        with pytest.raises(error):
            api.post("/Tickets", json=NEW_TICKET).json()
    assert created_once(sandbox)


def test_before_faults_leave_no_write(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="drop", method="POST"))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/Tickets", json=NEW_TICKET)
    assert len(sandbox.state.tickets) == 120


def test_rules_match_method_and_path_prefix(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", method="post", path="/api/Actions"))
    assert api.get("/Actions", params={"ticket_id": 1001}).status_code == 200
    assert api.post("/Tickets", json=NEW_TICKET).status_code == 200
    action = [{"ticket_id": 1001, "outcome": "Private Note", "note": "x"}]
    assert api.post("/Actions", json=action).status_code == 500


def test_times_none_and_probability(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", times=None, path="/api/Team"))
    sandbox.state.faults.add(FaultRule(kind="server_error", probability=0.0, path="/api/SLA"))
    assert {api.get("/Team").status_code for _ in range(4)} == {500}
    assert {api.get("/SLA").status_code for _ in range(4)} == {200}
    sandbox.state.faults.clear()
    assert api.get("/Team").status_code == 200


def test_half_probability_is_repeatable(sandbox: SandboxServer, api: httpx.Client) -> None:
    def pattern() -> list[int]:
        sandbox.state.faults.clear(seed=sandbox.state.config.seed)  # restart the rolls
        sandbox.state.faults.add(FaultRule(kind="server_error", times=None, probability=0.5))
        return [api.get("/Team").status_code for _ in range(12)]

    first = pattern()
    assert set(first) == {200, 500}
    assert pattern() == first


def test_token_requests_can_fault_but_control_never(sandbox: SandboxServer) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", times=None))
    assert httpx.post(f"{sandbox.url}/auth/token").status_code == 500
    assert httpx.post(f"{sandbox.url}/_sandbox/expire-tokens").status_code == 204
    assert httpx.get(f"{sandbox.url}/_sandbox/requests").status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "explode"},
        {"kind": "rate_limit", "when": "after"},
        {"kind": "slow", "when": "after"},
        {"kind": "drop", "when": "later"},
        {"kind": "drop", "times": 0},
        {"kind": "drop", "probability": 2},
        {"kind": "server_error", "status": 200},
    ],
)
def test_rules_are_validated(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies per field
        FaultRule(**fields)


def test_the_log_names_the_fault(sandbox: SandboxServer, api: httpx.Client) -> None:
    sandbox.state.faults.add(FaultRule(kind="drop", when="after", method="POST"))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/Tickets", json=NEW_TICKET)
    (record,) = [r for r in sandbox.state.request_log if r.path == "/api/Tickets"]
    assert (record.method, record.fault, record.body) == ("POST", "drop", NEW_TICKET)
