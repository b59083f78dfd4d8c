"""Sends one logical HaloPSA request: token, quota, retries, and errors with meaning.

Knows HTTP and HaloPSA's auth and failure modes; knows nothing of tickets or of MCP.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping
from typing import Any

import anyio
import httpx

from halopsa_mcp.client.auth import Token, TokenCache, token_request
from halopsa_mcp.client.errors import (
    HaloAuthError,
    HaloBadRequest,
    HaloConnectionError,
    HaloError,
    HaloRateLimited,
    HaloResponseError,
    HaloServerError,
    error_for_status,
)
from halopsa_mcp.client.ratelimit import RollingWindowLimiter
from halopsa_mcp.client.retry import (
    Failure,
    RetryPolicy,
    backoff_delay,
    may_have_applied,
    may_retry,
    retry_after_seconds,
)
from halopsa_mcp.config import HaloSettings

log = logging.getLogger("halopsa_mcp.client")

QueryValue = str | int | float | bool
Params = Mapping[str, QueryValue]


def _query(params: Params | None) -> dict[str, str]:
    # HaloPSA parses booleans as lower-case words; Python's str(True) is "True".
    if not params:
        return {}
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}


def _failure_of(exc: httpx.TransportError) -> Failure:
    # ConnectError, ConnectTimeout and PoolTimeout all fire before a byte of the
    # request has left this machine; any other transport error may come after the
    # server received it.
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMED_OUT
    return Failure.DROPPED


class _Retry(Exception):
    """One attempt failed in a way the retry policy gets to judge."""

    def __init__(
        self,
        failure: Failure,
        detail: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


class HaloTransport:
    """An authenticated, rate-aware, retrying JSON channel to one HaloPSA instance."""

    def __init__(
        self,
        settings: HaloSettings,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._policy = policy or RetryPolicy(
            max_retries=settings.max_retries,
            max_rate_limit_wait=settings.max_rate_limit_wait,
        )
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "halopsa-mcp"},
        )
        self._limiter = (
            RollingWindowLimiter(settings.rate_limit_requests, settings.rate_limit_window)
            if settings.rate_limit_requests
            else None
        )
        self._tokens = TokenCache(self._fetch_token)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
    ) -> Any:
        """Send ``method`` to ``{api}/{path}`` and return the decoded JSON answer."""
        url = f"{self._settings.api_url}/{path.lstrip('/')}"
        return await self._send(method, url, params=_query(params), json_body=json_body)

    async def _fetch_token(self) -> Token:
        req = token_request(self._settings)
        try:
            # A token request changes nothing on the server, so it may always be repeated.
            body = await self._send(
                "POST",
                req.url,
                params=req.params,
                form=req.form,
                authenticate=False,
                replay_safe=True,
            )
        except HaloBadRequest as exc:
            raise HaloAuthError(
                f"HaloPSA refused the token request ({exc.message}). "
                "Check HALOPSA_SCOPE (e.g. 'all')",
                status=400,
                method="POST",
                path=exc.path,
            ) from None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise HaloResponseError(
                "the token endpoint answered without an access_token",
                method="POST",
                path=_path_of(req.url),
            )
        try:
            expires_in = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600.0
        return Token(value=body["access_token"], expires_in=expires_in)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str],
        json_body: Any = None,
        form: dict[str, str] | None = None,
        authenticate: bool = True,
        replay_safe: bool = False,
    ) -> Any:
        retries = 0
        rate_limit_waited = 0.0
        rate_limit_hits = 0
        refreshed_token = False
        while True:
            token = await self._tokens.get() if authenticate else None
            try:
                return await self._attempt(method, url, params, json_body, form, token)
            except _Retry as failed:
                if failed.failure is Failure.UNAUTHORIZED:
                    if token is None or refreshed_token:
                        raise self._auth_error(failed, method, url) from None
                    # One retry with a fresh token: the old one expired or was revoked.
                    self._tokens.invalidate(token)
                    refreshed_token = True
                    continue
                if not may_retry(method, failed.failure, replay_safe=replay_safe):
                    raise self._final_error(failed, method, url, replay_safe) from None
                if failed.failure is Failure.RATE_LIMITED:
                    rate_limit_hits += 1
                    delay = failed.retry_after
                    if delay is None:
                        delay = backoff_delay(rate_limit_hits, self._policy, self._rng)
                    if rate_limit_waited + delay > self._policy.max_rate_limit_wait:
                        raise self._final_error(failed, method, url, replay_safe) from None
                    rate_limit_waited += delay
                else:
                    retries += 1
                    if retries > self._policy.max_retries:
                        raise self._final_error(failed, method, url, replay_safe) from None
                    delay = backoff_delay(retries, self._policy, self._rng)
                log.warning(
                    "HaloPSA %s %s failed (%s); retrying in %.2fs",
                    method,
                    _path_of(url),
                    failed.detail,
                    delay,
                )
                await anyio.sleep(delay)

    async def _attempt(
        self,
        method: str,
        url: str,
        params: dict[str, str],
        json_body: Any,
        form: dict[str, str] | None,
        token: str | None,
    ) -> Any:
        if self._limiter is not None:
            await self._limiter.acquire()
        headers = {"Authorization": f"Bearer {token}"} if token else None
        try:
            response = await self._http.request(
                method, url, params=params, json=json_body, data=form, headers=headers
            )
        except httpx.TransportError as exc:
            failure = _failure_of(exc)
            raise _Retry(failure, f"{failure.value}: {type(exc).__name__}") from None
        status = response.status_code
        if status == 401:
            raise _Retry(Failure.UNAUTHORIZED, _error_text(response), status=401)
        if status == 429:
            raise _Retry(
                Failure.RATE_LIMITED,
                f"429 {response.text[:200]}".strip(),
                status=429,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise _Retry(Failure.SERVER_ERROR, f"{status} {response.text}", status=status)
        if status >= 400:
            raise error_for_status(status)(
                _error_text(response), status=status, method=method, path=_path_of(url)
            )
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _Retry(Failure.MALFORMED, f"{status} answer is not JSON", status=status) from None

    def _auth_error(self, failed: _Retry, method: str, url: str) -> HaloError:
        if url == self._settings.token_url:
            message = (
                f"HaloPSA refused the client credentials ({failed.detail}). "
                "Check HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET"
            )
        else:
            message = (
                f"HaloPSA rejected a freshly issued token ({failed.detail}). Check that the "
                "API application is active and its agent may use this part of the API"
            )
        return HaloAuthError(message, status=401, method=method, path=_path_of(url))

    def _final_error(self, failed: _Retry, method: str, url: str, replay_safe: bool) -> HaloError:
        path = _path_of(url)
        unknown = not replay_safe and may_have_applied(method, failed.failure)
        if failed.failure is Failure.RATE_LIMITED:
            return HaloRateLimited(
                f"HaloPSA's rate limit persisted after waiting "
                f"{self._policy.max_rate_limit_wait:.0f}s in total: {failed.detail}. "
                "Wait a few minutes, or lower HALOPSA_RATE_LIMIT to pace requests",
                status=429,
                method=method,
                path=path,
            )
        if failed.failure is Failure.SERVER_ERROR:
            detail = failed.detail
            if url == self._settings.token_url:
                detail += " (hosted HaloPSA answers a missing or wrong HALOPSA_TENANT this way)"
            return HaloServerError(
                detail, status=failed.status, method=method, path=path, may_have_applied=unknown
            )
        if failed.failure is Failure.MALFORMED:
            return HaloResponseError(
                failed.detail,
                status=failed.status,
                method=method,
                path=path,
                may_have_applied=unknown,
            )
        return HaloConnectionError(
            f"could not reach HaloPSA at {self._settings.url} ({failed.detail})",
            method=method,
            path=path,
            may_have_applied=unknown,
        )


def _path_of(url: str) -> str:
    return httpx.URL(url).path


def _error_text(response: httpx.Response) -> str:
    """HaloPSA's message: free text, or the useful field of an OAuth-style JSON error."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text or response.reason_phrase
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "error_description", "message") if body.get(k)]
        if parts:
            return ": ".join(parts)
    return response.text
