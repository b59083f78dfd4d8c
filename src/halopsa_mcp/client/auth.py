"""OAuth2 client-credentials tokens for HaloPSA: how to ask for one, and a shared cache.

The cache is shared by every request of a client, so twenty calls that start together
cause one token request, not twenty.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio

from halopsa_mcp.config import HaloSettings


@dataclass(frozen=True)
class TokenRequest:
    url: str
    params: dict[str, str]
    form: dict[str, str]


def token_request(settings: HaloSettings) -> TokenRequest:
    """The token request for ``settings``.

    Hosted tenants are named by a ``tenant`` query parameter on the token URL, as
    HaloPSA's own integrations send it.
    """
    params = {"tenant": settings.tenant} if settings.tenant else {}
    form = {
        "grant_type": "client_credentials",
        "client_id": settings.client_id,
        "client_secret": settings.client_secret.get_secret_value(),
        "scope": settings.scope,
    }
    return TokenRequest(url=settings.token_url, params=params, form=form)


@dataclass(frozen=True)
class Token:
    value: str
    expires_in: float


def refresh_margin(lifetime: float) -> float:
    """How long before expiry to fetch a new token: a minute, or a tenth of a short life.

    The margin covers clock drift and the time a request spends in flight, so a token
    is never sent in its last moments.
    """
    return min(60.0, lifetime / 10)


class TokenCache:
    """Holds the current token and fetches a new one when it is missing or ageing."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Token]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._value: str | None = None
        self._refresh_at = 0.0
        self._lock = anyio.Lock()

    def _current(self) -> str | None:
        if self._value is not None and self._clock() < self._refresh_at:
            return self._value
        return None

    async def get(self) -> str:
        token = self._current()
        if token is not None:
            return token
        async with self._lock:
            # Another task may have fetched while this one waited for the lock.
            token = self._current()
            if token is not None:
                return token
            started = self._clock()
            fresh = await self._fetch()
            self._value = fresh.value
            self._refresh_at = started + fresh.expires_in - refresh_margin(fresh.expires_in)
            return fresh.value

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` after a 401, unless a newer token has already replaced it."""
        if self._value == rejected:
            self._value = None
