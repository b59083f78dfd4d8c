"""Sends one logical HaloPSA request: token, quota, retries, and errors with meaning.

Knows HTTP and HaloPSA's auth and failure modes; knows nothing of tickets or of MCP.
Whether and when to retry is decided in ``retry``; this module carries it out.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import httpx

from halopsa_mcp.client.auth import (
    BearerAuth,
    Token,
    TokenCache,
    parse_token,
    refusal_hint,
    token_request,
)
from halopsa_mcp.client.deadline import current_deadline
from halopsa_mcp.client.download import Download
from halopsa_mcp.client.errors import (
    HaloAuthError,
    HaloBadRequest,
    HaloConnectionError,
    HaloError,
    HaloNotHaloPSA,
    HaloRateLimited,
    HaloResponseError,
    HaloServerError,
    HaloTimedOut,
    clip,
    error_for_status,
)
from halopsa_mcp.client.json_body import parsed
from halopsa_mcp.client.metering import count_request
from halopsa_mcp.client.ratelimit import BudgetSpent, RollingWindowLimiter
from halopsa_mcp.client.retry import (
    Failure,
    RetryBudget,
    RetryPolicy,
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


def _failure_of(exc: httpx.RequestError) -> Failure:
    # ConnectError, ConnectTimeout and PoolTimeout all fire before a byte of the
    # request has left this machine; any other transport error may come after the
    # server received it.
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMED_OUT
    if isinstance(exc, httpx.DecodingError):
        return Failure.MALFORMED
    return Failure.DROPPED


class _Failed(Exception):
    """One attempt failed in a way the retry policy gets to judge."""

    def __init__(
        self,
        failure: Failure,
        detail: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        out_of_time: bool = False,
    ) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = clip(detail, 200)
        self.status = status
        self.retry_after = retry_after
        # The call's deadline, not HaloPSA, ended this attempt.
        self.out_of_time = out_of_time


def _json_of(response: httpx.Response) -> Any:
    status = response.status_code
    try:
        return parsed(response.content)
    except (ValueError, RecursionError):
        # ValueError covers invalid JSON and undecodable text; absurdly deep
        # nesting exhausts the parser's recursion instead.
        raise _Failed(Failure.MALFORMED, f"{status} answer is not JSON", status=status) from None


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
        self._auth = BearerAuth(self._tokens, before_resend=self._pace)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def authenticate(self) -> None:
        """Get a token now (or reuse the cached one): proves the URL and credentials."""
        await self._tokens.get()

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

    async def request_file(
        self, method: str, path: str, *, params: Params | None = None
    ) -> Download:
        """Like ``request``, for an answer that may be a file: its bytes, undecoded."""
        url = f"{self._settings.api_url}/{path.lstrip('/')}"
        answer: Download = await self._send(method, url, params=_query(params), decode=Download.of)
        return answer

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
                f"HaloPSA refused the token request ({exc.message}). {refusal_hint(exc.message)}",
                status=400,
                method="POST",
                path=exc.path,
            ) from None
        try:
            return parse_token(body)
        except ValueError as exc:
            raise HaloResponseError(str(exc), method="POST", path=_path_of(req.url)) from None

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
        decode: Callable[[httpx.Response], Any] = _json_of,
    ) -> Any:
        budget = RetryBudget(self._policy)
        while True:
            try:
                return await self._attempt(
                    method, url, params, json_body, form, authenticate, decode
                )
            except BudgetSpent as spent:
                raise self._budget_spent(spent, method, url) from None
            except _Failed as failed:
                if failed.out_of_time:
                    raise self._out_of_time(failed, method, url, replay_safe) from None
                # A 401 that reaches here is final (the budget gives it no retry): the
                # auth flow has already resent with a fresh token, and a 401 from the token
                # endpoint itself is a verdict on the credentials.
                retryable = may_retry(method, failed.failure, replay_safe=replay_safe)
                delay = budget.next_delay(failed.failure, failed.retry_after, self._rng)
                if not retryable or delay is None:
                    raise self._final_error(failed, method, url, replay_safe, budget) from None
                limit = current_deadline()
                if limit is not None and delay >= limit.left():
                    # Waiting would outlast the call: say so now rather than be cut off.
                    raise self._out_of_time(failed, method, url, replay_safe) from None
                # The kind of failure and the path's shape only: IDs in the path are the
                # caller's arguments, and HaloPSA's text can quote what customers typed.
                log.warning(
                    "HaloPSA %s %s failed (%s); retrying in %.2fs",
                    method,
                    _ID_IN_PATH.sub("/{id}", _path_of(url)),
                    failed.failure.value,
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
        authenticate: bool,
        decode: Callable[[httpx.Response], Any],
    ) -> Any:
        if authenticate:
            # Before this attempt's clock starts: the token fetch has attempts and time
            # bounds of its own. Only a refresh after a 401 happens inside the attempt.
            await self._tokens.get()
        await self._pace()
        # httpx's read timeout restarts with every chunk, so an answer trickling in a
        # byte at a time would never end; this bounds the whole attempt, and the call's
        # deadline bounds it further.
        allowed = self._settings.timeout + self._settings.connect_timeout
        limit = current_deadline()
        left = allowed if limit is None else limit.left()
        try:
            with anyio.fail_after(min(allowed, left)):
                response = await self._http.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=form,
                    auth=self._auth if authenticate else None,
                )
        except TimeoutError:
            raise _Failed(
                Failure.TIMED_OUT,
                "timed out: the whole answer took too long",
                out_of_time=left < allowed,
            ) from None
        except httpx.RequestError as exc:
            failure = _failure_of(exc)
            raise _Failed(failure, f"{failure.value}: {type(exc).__name__}") from None
        return self._judge(method, url, response, decode)

    async def _pace(self) -> None:
        """What every request sent does first: wait its turn, then count itself."""
        await self._wait_for_quota()
        count_request()

    async def _wait_for_quota(self) -> None:
        """Wait for the client-side rate limit when the wait is short; raise
        BudgetSpent, unsent, when it would outlast HALOPSA_MAX_RATE_LIMIT_WAIT or the
        call's deadline, so the caller learns at once when to come back."""
        limit = current_deadline()
        if limit is not None and limit.left() <= 0:
            raise _Failed(Failure.NOT_SENT, "no time left to send it", out_of_time=True)
        if self._limiter is not None:
            bound = self._policy.max_rate_limit_wait
            await self._limiter.acquire(bound if limit is None else min(bound, limit.left()))
        if limit is not None and limit.left() <= 0:
            raise _Failed(Failure.NOT_SENT, "no time left to send it", out_of_time=True)

    def _judge(
        self,
        method: str,
        url: str,
        response: httpx.Response,
        decode: Callable[[httpx.Response], Any],
    ) -> Any:
        """The decoded answer, or the failure it tells of."""
        status = response.status_code
        self._check_is_halopsa(method, url, response)
        if status == 401:
            raise _Failed(Failure.UNAUTHORIZED, _error_text(response), status=401)
        if status == 429:
            raise _Failed(
                Failure.RATE_LIMITED,
                _error_text(response),
                status=429,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise _Failed(Failure.SERVER_ERROR, f"{status} {response.text}", status=status)
        if 300 <= status < 400:
            raise HaloError(
                f"HaloPSA answered with a redirect to {response.headers.get('location', '?')}; "
                "check HALOPSA_URL (the scheme, host and no path)",
                status=status,
                method=method,
                path=_path_of(url),
            )
        if status >= 400:
            raise error_for_status(status)(
                _error_text(response), status=status, method=method, path=_path_of(url)
            )
        return decode(response)

    def _out_of_time(
        self, failed: _Failed, method: str, url: str, replay_safe: bool
    ) -> HaloConnectionError:
        limit = current_deadline()
        seconds = limit.seconds if limit else self._settings.call_timeout
        return HaloTimedOut(
            f"the call's time limit of {seconds:g}s (HALOPSA_CALL_TIMEOUT) ran out before "
            f"HaloPSA answered ({failed.detail})",
            method=method,
            path=_path_of(url),
            may_have_applied=not replay_safe and may_have_applied(method, failed.failure),
        )

    def _budget_spent(self, spent: BudgetSpent, method: str, url: str) -> HaloRateLimited:
        return HaloRateLimited(
            f"the request budget of {spent.max_requests} per {spent.window:g}s "
            "(HALOPSA_RATE_LIMIT per HALOPSA_RATE_LIMIT_WINDOW) is spent, so it was not sent",
            method=method,
            path=_path_of(url),
            retry_in=spent.free_in,
        )

    def _rate_limited(
        self, failed: _Failed, method: str, path: str, budget: RetryBudget
    ) -> HaloRateLimited:
        """HaloPSA's 429 outlasted the short backoff: when to come back is Retry-After
        when it was sent, else the latest a request of ours leaves HaloPSA's window."""
        asked = f", Retry-After {failed.retry_after:.0f}s" if failed.retry_after else ""
        if failed.retry_after:
            retry_in = failed.retry_after
        elif self._limiter is not None:
            retry_in = self._limiter.frees_in()
        else:
            retry_in = self._settings.rate_limit_window
        return HaloRateLimited(
            f"HaloPSA's rate limit persisted ({failed.detail}{asked}) after "
            f"{budget.rate_limit_waited:.1f}s of backing off (HALOPSA_MAX_RATE_LIMIT_WAIT is "
            f"{self._policy.max_rate_limit_wait:g}s)",
            status=429,
            method=method,
            path=path,
            retry_in=retry_in,
        )

    def _check_is_halopsa(self, method: str, url: str, response: httpx.Response) -> None:
        """Raise when the answer shows that the URL does not lead to HaloPSA.

        HaloPSA's token endpoint answers OAuth JSON (a token, or a 400/401 error) or its
        rate limit's 429 (plain text), and its API never answers a web page; anything else
        means a wrong HALOPSA_URL or HALOPSA_AUTH_URL, which no retry can fix.
        """
        status = response.status_code
        kind = _body_kind(response)
        is_token = url == self._settings.token_url
        if is_token:
            oauth = status in (200, 400, 401) and kind == "JSON"
            wrong = status < 500 and status != 429 and not oauth
        else:
            # A file sent as a download may be markup; a wrong URL's page is not a download.
            download = "content-disposition" in response.headers
            wrong = kind == "HTML" and status not in (401, 429) and status < 500 and not download
        if wrong:
            raise HaloNotHaloPSA(
                f"{method} {_without_query(url)} answered {status} ({kind}, not HaloPSA's "
                "JSON): check HALOPSA_URL, the base URL such as https://acme.halopsa.com, "
                "or HALOPSA_AUTH_URL",
                status=status,
                method=method,
                path=_path_of(url),
                # Something took the write and answered success: it may have acted on it.
                may_have_applied=not is_token and method.upper() == "POST" and status < 400,
            )

    def _final_error(
        self,
        failed: _Failed,
        method: str,
        url: str,
        replay_safe: bool,
        budget: RetryBudget,
    ) -> HaloError:
        path = _path_of(url)
        unknown = not replay_safe and may_have_applied(method, failed.failure)
        if failed.failure is Failure.UNAUTHORIZED:
            if url == self._settings.token_url:
                message = (
                    f"HaloPSA refused the client credentials ({failed.detail}). "
                    f"{refusal_hint(failed.detail)}"
                )
            else:
                message = (
                    f"HaloPSA rejected a freshly issued token ({failed.detail or '401'}). "
                    "Check that the API application is active and its agent may use this "
                    "part of the API"
                )
            return HaloAuthError(message, status=401, method=method, path=path)
        if failed.failure is Failure.RATE_LIMITED:
            return self._rate_limited(failed, method, path, budget)
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
        kind = HaloTimedOut if failed.failure is Failure.TIMED_OUT else HaloConnectionError
        return kind(
            _connection_message(failed.failure, self._settings),
            method=method,
            path=path,
            may_have_applied=unknown,
        )


def _connection_message(failure: Failure, settings: HaloSettings) -> str:
    if failure is Failure.NOT_SENT:
        return f"could not connect to HaloPSA at {settings.url}: check HALOPSA_URL"
    if failure is Failure.TIMED_OUT:
        return f"HaloPSA did not answer within {settings.timeout:g}s (HALOPSA_TIMEOUT)"
    return "the connection to HaloPSA closed before its answer arrived"


def _body_kind(response: httpx.Response) -> str:
    """What kind of answer this is, in words an operator recognises."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return "JSON"
    if media == "text/html" or response.content.lstrip()[:1] == b"<":
        return "HTML"
    if not response.content:
        return "empty"
    return "plain text" if media in ("", "text/plain") else media


def _without_query(url: str) -> str:
    return str(httpx.URL(url).copy_with(query=None, fragment=None))


_ID_IN_PATH = re.compile(r"/\d+(?=/|$)")


def _path_of(url: str) -> str:
    return httpx.URL(url).path


def _error_text(response: httpx.Response) -> str:
    """HaloPSA's message: free text, or the useful fields of an OAuth-style JSON error."""
    try:
        body = parsed(response.content)
    except (ValueError, RecursionError):
        return response.text or response.reason_phrase
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "error_description", "message") if body.get(k)]
        if parts:
            return ": ".join(parts)
    return response.text
