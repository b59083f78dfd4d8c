"""POST /auth/token and the bearer, scope and tenant checks of /api."""

import time
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer

GetToken = Callable[..., httpx.Response]
Connect = Callable[..., httpx.Client]


def test_good_credentials_get_a_bearer_token(sandbox: SandboxServer, get_token: GetToken) -> None:
    response = get_token(sandbox.url)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "all"
    assert len(body["access_token"]) > 20


def test_bad_credentials_are_an_invalid_client(sandbox: SandboxServer, get_token: GetToken) -> None:
    response = get_token(sandbox.url, client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "error_description" in response.json()


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": ""}, "invalid_request"),
        ({"scope": "all admin"}, "invalid_scope"),
    ],
)
def test_oauth_errors_are_json(
    sandbox: SandboxServer, get_token: GetToken, form: dict[str, str], error: str
) -> None:
    response = get_token(sandbox.url, **form)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_api_needs_a_known_bearer_token(sandbox: SandboxServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = httpx.get(f"{sandbox.url}/api/Status", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.text == ""


def test_read_scope_cannot_write(sandbox: SandboxServer, connect: Connect) -> None:
    reader = connect(sandbox.url, scope="read:tickets")
    assert reader.get("/Tickets/1001").status_code == 200
    response = reader.post("/Tickets", json=[{"id": 1001, "summary": "changed"}])
    assert response.status_code == 403
    assert "do not have access" in response.text
    assert sandbox.state.tickets[1001].summary != "changed"


def test_edit_scope_alone_cannot_read(sandbox: SandboxServer, connect: Connect) -> None:
    writer = connect(sandbox.url, scope="edit:tickets")
    assert writer.get("/Tickets/1001").status_code == 403
    assert writer.post("/Tickets", json=[{"id": 1001, "summary": "changed"}]).status_code == 200
    both = connect(sandbox.url, scope="read:tickets edit:tickets")
    assert both.get("/Tickets/1001").json()["summary"] == "changed"


def test_tenant_is_required_when_configured(
    start_sandbox: Callable[..., SandboxServer], get_token: GetToken
) -> None:
    server = start_sandbox(tenant="acme")
    assert get_token(server.url).status_code == 500
    assert get_token(server.url, tenant="other").status_code == 500
    assert get_token(server.url, tenant_query="other").status_code == 500
    assert get_token(server.url, tenant="acme").status_code == 200
    assert get_token(server.url, tenant_query="acme").status_code == 200


def test_tenant_is_ignored_when_not_configured(sandbox: SandboxServer, get_token: GetToken) -> None:
    assert get_token(sandbox.url, tenant="anything").status_code == 200


def test_tokens_expire_after_their_lifetime(
    start_sandbox: Callable[..., SandboxServer], connect: Connect, get_token: GetToken
) -> None:
    server = start_sandbox(token_lifetime=0.3)
    assert get_token(server.url).json()["expires_in"] == 0
    client = connect(server.url)
    assert client.get("/Status").status_code == 200
    time.sleep(0.4)
    assert client.get("/Status").status_code == 401


def test_a_new_config_applies_to_the_next_token(
    sandbox: SandboxServer, get_token: GetToken
) -> None:
    original = sandbox.state.config
    sandbox.state.config = replace(original, token_lifetime=60)
    try:
        assert get_token(sandbox.url).json()["expires_in"] == 60
    finally:
        sandbox.state.config = original


def test_expire_all_tokens(sandbox: SandboxServer, api: httpx.Client) -> None:
    assert api.get("/Status").status_code == 200
    sandbox.state.expire_all_tokens()
    assert api.get("/Status").status_code == 401
