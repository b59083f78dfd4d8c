"""A local HaloPSA that speaks the REST API with seeded demo data, for tests and demos.

Strict where Halo is lenient (unknown field names are errors), faithful where Halo is
quirky (paging, bare-array lookups, plain-text errors), and able to fail on demand.
"""

from halopsa_mcp.sandbox.app import create_app
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.faults import FaultRule
from halopsa_mcp.sandbox.server import CannotListen, SandboxServer, run
from halopsa_mcp.sandbox.state import SandboxState

__all__ = [
    "CannotListen",
    "FaultRule",
    "SandboxConfig",
    "SandboxServer",
    "SandboxState",
    "create_app",
    "run",
]
