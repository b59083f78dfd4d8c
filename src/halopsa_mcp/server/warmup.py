"""Warm-up at start: fetch the token and the lookups before the first tool call needs them.

It runs in the background and shares the caches the tools use, so a call that arrives
meanwhile waits only for the fetch it needs, already in flight. Its real job is telling
the operator early: wrong credentials, tenant or URL are logged at WARNING, with the
fix, instead of staying silent until a tool call fails.
"""

from __future__ import annotations

import logging

from halopsa_mcp.client import HaloClient, HaloError
from halopsa_mcp.server.catalog_cache import CatalogCache

log = logging.getLogger("halopsa_mcp.warmup")


async def warm_up(halo: HaloClient, catalogs: CatalogCache) -> None:
    """Never raises: a failed warm-up must not stop the server, whose tools report the
    same problem when called."""
    try:
        await halo.authenticate()
        await catalogs.get()
    except HaloError as exc:
        # The client's messages name the setting to check and never carry the secret.
        log.warning(
            "HaloPSA is not usable with these settings: %s. Run `halopsa-mcp check` for a "
            "full report",
            str(exc).rstrip("."),
        )
    except Exception as exc:
        log.warning("warm-up failed (%s); tool calls will try again", type(exc).__name__)
    else:
        log.info("warmed up: token and lookups fetched")
