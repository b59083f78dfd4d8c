"""Client tests run over real HTTP against the sandbox HaloPSA, served by uvicorn."""

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from halopsa_mcp.client import HaloClient, RetryPolicy
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

# Quick backoff so fault tests take milliseconds; the bounds still apply.
FAST = RetryPolicy(max_retries=3, max_rate_limit_wait=2.0, backoff_base=0.01, backoff_cap=0.05)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(rate_limit_requests=0)) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The shared server, reseeded and fault-free for each test."""
    state = sandbox_server.state
    original = state.config
    state.faults.clear()
    state.reset()
    yield sandbox_server
    state.config = original
    state.faults.clear()
    state.reset()


def reconfigure(sandbox: SandboxServer, **changes: Any) -> None:
    sandbox.state.config = replace(sandbox.state.config, **changes)


@pytest.fixture
def settings(sandbox: SandboxServer) -> Callable[..., HaloSettings]:
    def make(**env: str) -> HaloSettings:
        base = {
            "HALOPSA_URL": sandbox.url,
            "HALOPSA_CLIENT_ID": sandbox.state.config.client_id,
            "HALOPSA_CLIENT_SECRET": sandbox.state.config.client_secret,
            "HALOPSA_TIMEOUT": "2",
        }
        return HaloSettings.from_env({**base, **env})

    return make


@pytest.fixture
def client(settings: Callable[..., HaloSettings]) -> Callable[..., HaloClient]:
    def make(policy: RetryPolicy = FAST, **env: str) -> HaloClient:
        return HaloClient(settings(**env), policy=policy)

    return make


def requests_to(sandbox: SandboxServer, method: str, path: str) -> list[int]:
    """Statuses of the requests the sandbox received for ``method path`` (exact path)."""
    return [r.status for r in sandbox.state.request_log if r.method == method and r.path == path]
