"""The rolling request window over /api, as hosted Halo enforces it."""

import time
from collections.abc import Callable
from dataclasses import replace

import httpx

from halopsa_mcp.sandbox import SandboxServer


def test_requests_over_the_window_are_429(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    server = start_sandbox(rate_limit_requests=3, rate_limit_window=0.5)
    client = connect(server.url)  # the token request does not count
    assert [client.get("/Status").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get("/Status")
    assert limited.text == "Rate Limit Reached - 3 Requests per rolling 0.5 second window"
    assert "retry-after" not in limited.headers
    time.sleep(0.55)
    assert client.get("/Status").status_code == 200


def test_unauthenticated_requests_do_not_count(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    server = start_sandbox(rate_limit_requests=2, rate_limit_window=60)
    for _ in range(5):
        assert httpx.get(f"{server.url}/api/Status").status_code == 401
    client = connect(server.url)
    assert [client.get("/Status").status_code for _ in range(3)] == [200, 200, 429]


def test_zero_switches_the_limit_off(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    server = start_sandbox(rate_limit_requests=0)
    client = connect(server.url)
    assert {client.get("/Team").status_code for _ in range(20)} == {200}


def test_a_new_limit_applies_at_once(sandbox: SandboxServer, api: httpx.Client) -> None:
    original = sandbox.state.config
    sandbox.state.config = replace(original, rate_limit_requests=1, rate_limit_window=60)
    try:
        assert [api.get("/Team").status_code for _ in range(2)] == [200, 429]
    finally:
        sandbox.state.config = original
