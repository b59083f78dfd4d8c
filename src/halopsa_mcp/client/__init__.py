"""Async HaloPSA client: knows HaloPSA's API, nothing of MCP."""

from halopsa_mcp.client.api import HaloClient, Page
from halopsa_mcp.client.errors import (
    HaloAuthError,
    HaloBadRequest,
    HaloConnectionError,
    HaloError,
    HaloForbidden,
    HaloNotFound,
    HaloNotHaloPSA,
    HaloRateLimited,
    HaloResponseError,
    HaloServerError,
    HaloTimedOut,
)
from halopsa_mcp.client.retry import RetryPolicy
from halopsa_mcp.client.wire import attachment_preview, preview

__all__ = [
    "HaloAuthError",
    "HaloBadRequest",
    "HaloClient",
    "HaloConnectionError",
    "HaloError",
    "HaloForbidden",
    "HaloNotFound",
    "HaloNotHaloPSA",
    "HaloRateLimited",
    "HaloResponseError",
    "HaloServerError",
    "HaloTimedOut",
    "Page",
    "RetryPolicy",
    "attachment_preview",
    "preview",
]
