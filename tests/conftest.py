"""Fixtures shared by the client and server tests: one sandbox HaloPSA over real HTTP;
and the markers, applied by directory so that no test can go without one."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

_TESTS = Path(__file__).parent
_SLOW = frozenset({"reliability", "fuzz"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its directory's name (``project`` for tests/*.py), so that
    e.g. ``pytest -m rules`` runs the rule suite alone; markers are registered in
    pyproject.toml, and an unregistered one fails the run."""
    for item in items:
        parts = item.path.relative_to(_TESTS).parts
        area = parts[0] if len(parts) > 1 else "project"
        item.add_marker(area)
        if area in _SLOW:
            item.add_marker("slow")


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
