"""Client tests run over real HTTP against the sandbox HaloPSA (fixtures in tests/conftest.py)."""

from collections.abc import Callable

import pytest

from halopsa_mcp.client import HaloClient, RetryPolicy
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.sandbox import SandboxServer
from tests.helpers import FAST, halo_settings


@pytest.fixture
def settings(sandbox: SandboxServer) -> Callable[..., HaloSettings]:
    def make(**env: str) -> HaloSettings:
        return halo_settings(sandbox, **env)

    return make


@pytest.fixture
def client(settings: Callable[..., HaloSettings]) -> Callable[..., HaloClient]:
    def make(policy: RetryPolicy = FAST, **env: str) -> HaloClient:
        return HaloClient(settings(**env), policy=policy)

    return make
