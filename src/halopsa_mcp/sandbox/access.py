"""Who may call the API and how often: bearer tokens, their scopes, the rate window."""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass

# The sandbox knows three of Halo's scopes; "all" grants everything. A token request
# may ask for several, separated by spaces, as OAuth does.
KNOWN_SCOPES = frozenset({"all", "read:tickets", "edit:tickets"})
READ_SCOPES = frozenset({"all", "read:tickets"})
WRITE_SCOPES = frozenset({"all", "edit:tickets"})


@dataclass(frozen=True)
class _Grant:
    scopes: frozenset[str]
    expires_at: float  # time.monotonic(), so a wall-clock jump cannot expire a token


class TokenStore:
    """Issued bearer tokens. Not thread-safe on its own: SandboxState locks around it."""

    def __init__(self) -> None:
        self._grants: dict[str, _Grant] = {}

    def issue(self, scopes: frozenset[str], lifetime: float) -> str:
        now = time.monotonic()
        # Forget expired grants as new ones come, so a long-running sandbox stays small.
        self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
        token = secrets.token_urlsafe(32)
        self._grants[token] = _Grant(scopes, now + lifetime)
        return token

    def scopes_of(self, token: str) -> frozenset[str] | None:
        """The token's scopes, or None when it is unknown, revoked or expired."""
        grant = self._grants.get(token)
        if grant is None or time.monotonic() >= grant.expires_at:
            return None
        return grant.scopes

    def revoke(self, token: str) -> None:
        self._grants.pop(token, None)

    def clear(self) -> None:
        self._grants.clear()


class RateWindow:
    """Times of the requests admitted lately, to allow at most N in any rolling window."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def admit(self, limit: int, window: float) -> bool:
        """Whether one more request fits `limit` per `window` seconds; 0 admits all."""
        if limit <= 0:
            return True
        now = time.monotonic()
        while self._times and now - self._times[0] >= window:
            self._times.popleft()
        if len(self._times) >= limit:
            return False  # a refused request does not use up the window
        self._times.append(now)
        return True

    def clear(self) -> None:
        self._times.clear()
