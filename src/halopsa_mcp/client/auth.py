"""OAuth2 client-credentials tokens for HaloPSA: how to ask for one, a shared cache, and
the httpx auth flow that puts the token on each request.

The cache is shared by every request of a client, so twenty calls that start together
cause one token request, not twenty; and when that request fails, the callers that
were waiting for it get its error instead of each asking again.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from halopsa_mcp.client.fetch_once import FetchOnce
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


def fresh_for(token: Token) -> float:
    """How long ``token`` is used before a new one is fetched."""
    return token.expires_in - refresh_margin(token.expires_in)


class TokenCache:
    """Holds the current token and fetches a new one when it is missing or ageing."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Token]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tokens = FetchOnce(fetch, lifetime=fresh_for, clock=clock)

    async def get(self) -> str:
        return (await self._tokens.get()).value

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` after a 401, unless a newer token has already replaced it."""
        held = self._tokens.peek()
        if held is not None and held.value == rejected:
            self._tokens.forget(held)


class BearerAuth(httpx.Auth):
    """Sends each request with the shared token; after a 401, once more with a fresh one.

    A 401 means HaloPSA refused the request before acting on it, so even a write may be
    sent again. ``before_resend`` lets the transport pace and count that second request
    as it does the first.
    """

    def __init__(self, tokens: TokenCache, before_resend: Callable[[], Awaitable[None]]) -> None:
        self._tokens = tokens
        self._before_resend = before_resend

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._tokens.get()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        # Forget a refused token at once, so no later call sends it and wastes its own
        # refresh on it; the same for the fresh one if HaloPSA refuses that too.
        self._tokens.invalidate(token)
        token = await self._tokens.get()
        request.headers["Authorization"] = f"Bearer {token}"
        await self._before_resend()
        response = yield request
        if response.status_code == 401:
            self._tokens.invalidate(token)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("BearerAuth fetches tokens asynchronously: use httpx.AsyncClient")
