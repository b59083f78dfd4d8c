"""The sandbox HaloPSA under test, over real HTTP.

One server serves the whole session and is reseeded before each test; tests that need
another configuration start their own with `start_sandbox`.
"""

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

# Built once and shared: loading the CA bundle for every httpx client costs ~30 ms, which
# over a few hundred clients is most of the suite's time. (The sandbox speaks plain HTTP.)
SSL_CONTEXT = ssl.create_default_context()


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox(shared_sandbox: SandboxServer) -> SandboxServer:
    shared_sandbox.state.reset()
    return shared_sandbox


@pytest.fixture
def start_sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """Start a sandbox with SandboxConfig(**changes); stopped after the test."""
    servers: list[SandboxServer] = []

    def start(**changes: Any) -> SandboxServer:
        server = SandboxServer(SandboxConfig(**changes))
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def request_token(url: str, *, tenant_query: str | None = None, **form: str) -> httpx.Response:
    """POST /auth/token with the default credentials, overridden by `form`."""
    fields = {
        "grant_type": "client_credentials",
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
    }
    params = {"tenant": tenant_query} if tenant_query else None
    return httpx.post(f"{url}/auth/token", data=fields | form, params=params, verify=SSL_CONTEXT)


def api_client(url: str, **form: str) -> httpx.Client:
    """A client for {url}/api carrying a fresh bearer token."""
    token = request_token(url, **form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=f"{url}/api", headers=headers, timeout=5, verify=SSL_CONTEXT)


@pytest.fixture
def get_token() -> Callable[..., httpx.Response]:
    return request_token


@pytest.fixture
def connect() -> Iterator[Callable[..., httpx.Client]]:
    """connect(url, **token_form) -> an /api client with a token; closed after the test."""
    clients: list[httpx.Client] = []

    def open_client(url: str, **form: str) -> httpx.Client:
        clients.append(api_client(url, **form))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture
def api(sandbox: SandboxServer, connect: Callable[..., httpx.Client]) -> httpx.Client:
    return connect(sandbox.url)
