"""OAuth2 client-credentials tokens for HaloPSA: how to ask for one, and a shared cache.

The cache is shared by every request of a client, so twenty calls that start together
cause one token request, not twenty; and when that request fails, the callers that
were waiting for it get its error instead of each asking again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from halopsa_mcp.config import HaloSettings


@dataclass(frozen=True)
class TokenRequest:
    url: str
    params: dict[str, str]
    # Holds the client secret: kept out of the repr, so a traceback that prints
    # locals cannot show it.
    form: dict[str, str] = field(repr=False)


def token_request(settings: HaloSettings) -> TokenRequest:
    """The token request for ``settings``.

    Hosted tenants are named by ``tenant``. HaloPSA's own integrations put it on the
    token URL's query string, others in the form; it is sent in both, so either kind
    of deployment finds it.
    """
    tenant = {"tenant": settings.tenant} if settings.tenant else {}
    form = {
        "grant_type": "client_credentials",
        "client_id": settings.client_id,
        "client_secret": settings.client_secret.get_secret_value(),
        "scope": settings.scope,
        **tenant,
    }
    return TokenRequest(url=settings.token_url, params=tenant, form=form)


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    expires_in: float


DEFAULT_LIFETIME = 3600.0


def parse_token(body: Any) -> Token:
    """The token in the token endpoint's answer; ``ValueError`` if there is none."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise ValueError("the token endpoint answered without an access_token")
    try:
        expires_in = float(body.get("expires_in", DEFAULT_LIFETIME))
    except (TypeError, ValueError):
        expires_in = DEFAULT_LIFETIME
    if not math.isfinite(expires_in) or expires_in <= 0:
        expires_in = DEFAULT_LIFETIME
    return Token(value=body["access_token"], expires_in=expires_in)


def refusal_hint(error_text: str) -> str:
    """Which setting to check, from the OAuth error HaloPSA refused a token request with."""
    code = error_text.split(":", 1)[0].strip().lower()
    if code == "invalid_scope":
        return "Check HALOPSA_SCOPE (e.g. 'all')"
    if code in ("invalid_client", "unauthorized_client"):
        return "Check HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET"
    return "Check HALOPSA_CLIENT_ID, HALOPSA_CLIENT_SECRET, HALOPSA_SCOPE and HALOPSA_TENANT"


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
        self._fetches = 0
        self._last_failure: Exception | None = None

    def _current(self) -> str | None:
        if self._value is not None and self._clock() < self._refresh_at:
            return self._value
        return None

    async def get(self) -> str:
        token = self._current()
        if token is not None:
            return token
        fetches_seen = self._fetches
        async with self._lock:
            # Another task may have fetched while this one waited for the lock: use its
            # token, or its failure, rather than asking the endpoint again.
            token = self._current()
            if token is not None:
                return token
            if self._fetches != fetches_seen and self._last_failure is not None:
                raise self._last_failure
            self._fetches += 1
            started = self._clock()
            try:
                fresh = await self._fetch()
            except Exception as exc:
                self._last_failure = exc
                raise
            self._last_failure = None
            self._value = fresh.value
            self._refresh_at = started + fresh.expires_in - refresh_margin(fresh.expires_in)
            return fresh.value

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` after a 401, unless a newer token has already replaced it."""
        if self._value == rejected:
            self._value = None
