"""Fixtures shared by the client and server tests: one sandbox HaloPSA over real HTTP."""

from collections.abc import Iterator

import pytest

from halopsa_mcp.sandbox import SandboxConfig, SandboxServer


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
