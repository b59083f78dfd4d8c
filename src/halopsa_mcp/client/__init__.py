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
)
from halopsa_mcp.client.payloads import ActionFields, AttachmentUpload, TicketFields, TicketQuery
from halopsa_mcp.client.retry import RetryPolicy

__all__ = [
    "ActionFields",
    "AttachmentUpload",
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
    "Page",
    "RetryPolicy",
    "TicketFields",
    "TicketQuery",
]
