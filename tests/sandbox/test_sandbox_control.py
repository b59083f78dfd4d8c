"""/_sandbox/*: steering a sandbox over HTTP, as a benchmark script running it would."""

import httpx
from starlette.testclient import TestClient

from halopsa_mcp.sandbox import SandboxServer, SandboxState, create_app


def test_faults_can_be_added_listed_and_cleared(sandbox: SandboxServer, api: httpx.Client) -> None:
    control = f"{sandbox.url}/_sandbox/faults"
    added = httpx.post(control, json={"kind": "server_error", "status": 502, "times": None})
    assert added.status_code == 201
    assert added.json()["status"] == 502
    assert [r["kind"] for r in httpx.get(control).json()] == ["server_error"]
    assert api.get("/Status").status_code == 502
    assert httpx.delete(control).status_code == 204
    assert httpx.get(control).json() == []
    assert api.get("/Status").status_code == 200


def test_a_bad_fault_rule_is_400(sandbox: SandboxServer) -> None:
    control = f"{sandbox.url}/_sandbox/faults"
    for body in ({"kind": "meteor"}, {"kind": "drop", "colour": "red"}, ["drop"]):
        response = httpx.post(control, json=body)
        assert response.status_code == 400
        assert response.text.startswith("sandbox: not a fault rule")


def test_reset_restores_the_seed(sandbox: SandboxServer, api: httpx.Client) -> None:
    api.post("/Tickets", json=[{"id": 1001, "summary": "changed"}])
    api.post("/Tickets", json=[{"summary": "new", "client_id": 12}])
    assert httpx.post(f"{sandbox.url}/_sandbox/reset").status_code == 204
    assert len(sandbox.state.tickets) == 120
    assert sandbox.state.tickets[1001].summary != "changed"
    assert not sandbox.state.request_log
    assert api.get("/Status").status_code == 401  # tokens are forgotten too


def test_expire_tokens(sandbox: SandboxServer, api: httpx.Client) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/expire-tokens").status_code == 204
    assert api.get("/Status").status_code == 401


def test_the_request_log(sandbox: SandboxServer, api: httpx.Client) -> None:
    api.get("/Tickets", params={"count": 2})
    api.post("/Tickets", json=[{"id": 1001, "summary": "logged"}])
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("POST", "/auth/token", 200),
        ("GET", "/api/Tickets", 200),
        ("POST", "/api/Tickets", 200),
    ]
    assert log[0]["body"] is None  # the token form, and its secret, is never kept
    assert log[1]["query"] == "count=2"
    assert log[2]["body"] == [{"id": 1001, "summary": "logged"}]
    assert httpx.delete(f"{sandbox.url}/_sandbox/requests").status_code == 204
    assert not sandbox.state.request_log


def test_control_needs_no_token_and_is_not_logged(sandbox: SandboxServer) -> None:
    assert httpx.get(f"{sandbox.url}/_sandbox/faults").status_code == 200
    assert not sandbox.state.request_log


def test_control_endpoints_refuse_clients_off_this_machine() -> None:
    # Starlette's TestClient presents itself as host "testclient", not a loopback address.
    with TestClient(create_app(SandboxState())) as remote:
        answer = remote.post("/_sandbox/reset")
    assert answer.status_code == 403
    assert "loopback" in answer.text
