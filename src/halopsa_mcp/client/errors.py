"""Typed errors for everything that can go wrong talking to HaloPSA.

Each carries the upstream HTTP status (``None`` when no answer came) and HaloPSA's own
message, so the layer above can tell the model exactly what happened and what to do.
"""

from __future__ import annotations

import math

# HaloPSA's error bodies are free text and can be whole HTML pages; enough to read,
# not enough to flood a model's context.
_MAX_MESSAGE = 500


def clip(text: str, limit: int = _MAX_MESSAGE) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HaloError(Exception):
    """Base class: a HaloPSA request did not succeed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        path: str = "",
        may_have_applied: bool = False,
    ) -> None:
        self.message = clip(message)
        self.status = status
        self.method = method
        self.path = path
        # True when a write failed in a way that leaves its effect unknown: the
        # caller must look before trying again, or risk doing it twice.
        self.may_have_applied = may_have_applied
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.method} {self.path}".strip()
        status = f"HTTP {self.status}" if self.status is not None else "no answer"
        text = f"HaloPSA {status} for {where}: {self.message}" if where else self.message
        if self.may_have_applied:
            text += " The write may have been applied: check the record before repeating it."
        return text


class HaloBadRequest(HaloError):
    """400: HaloPSA refused the request's content (its text often does not name the field)."""


class HaloAuthError(HaloError):
    """401, or the token endpoint refused the credentials or tenant."""


class HaloForbidden(HaloError):
    """403: the API application or its agent lacks permission."""


class HaloNotFound(HaloError):
    """404: the record does not exist (or is not visible to this API application)."""


class HaloRateLimited(HaloError):
    """The request budget is spent: HaloPSA's 429 persisted past the short total wait,
    or the client-side pacing would have to hold the request too long, so it was not
    sent. ``retry_in`` is when trying again should work, in seconds, when known."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        path: str = "",
        retry_in: float | None = None,
    ) -> None:
        self.retry_in = retry_in
        super().__init__(message, status=status, method=method, path=path)

    @property
    def retry_seconds(self) -> int | None:
        """``retry_in`` in whole seconds, rounded up so that coming back then works."""
        return None if self.retry_in is None else max(1, math.ceil(self.retry_in))

    def __str__(self) -> str:
        text = super().__str__()
        if self.retry_seconds is None:
            return text
        return f"{text}; try again in about {self.retry_seconds} s"


class HaloServerError(HaloError):
    """5xx from HaloPSA."""


class HaloConnectionError(HaloError):
    """No usable answer: connection refused, timed out or dropped."""


class HaloTimedOut(HaloConnectionError):
    """HaloPSA did not answer in time: a slow moment that can pass, unlike a refused
    connection."""


class HaloNotHaloPSA(HaloError):
    """What answered is not HaloPSA: HALOPSA_URL or HALOPSA_AUTH_URL points elsewhere.

    Its message names the URL and what it answered, so it stands alone.
    """

    def __str__(self) -> str:
        return self.message


class HaloResponseError(HaloError):
    """An answer arrived but was not the JSON shape HaloPSA documents."""


_BY_STATUS: dict[int, type[HaloError]] = {
    400: HaloBadRequest,
    401: HaloAuthError,
    403: HaloForbidden,
    404: HaloNotFound,
    429: HaloRateLimited,
}


def error_for_status(status: int) -> type[HaloError]:
    if status >= 500:
        return HaloServerError
    return _BY_STATUS.get(status, HaloError)
