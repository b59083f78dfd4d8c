"""Errors answered the way Halo answers them: a status and a short plain-text body."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from halopsa_mcp.sandbox.config import SandboxConfig


class ErrorAnswer(Exception):
    """Raised anywhere in a request; the app turns it into the response Halo would send."""

    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = headers or {}

    def response(self) -> Response:
        return PlainTextResponse(self.text, self.status, headers=self.headers)


def not_found(kind: str, record_id: int) -> ErrorAnswer:
    return ErrorAnswer(404, f"{kind} {record_id} not found")


def rate_limited(config: SandboxConfig, retry_after: float | None = None) -> ErrorAnswer:
    """Hosted Halo's 429. It sends no Retry-After, so none is sent unless a fault asks."""
    window = config.rate_limit_window
    span = f"{window / 60:g} minute" if window % 60 == 0 else f"{window:g} second"
    text = f"Rate Limit Reached - {config.rate_limit_requests} Requests per rolling {span} window"
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return ErrorAnswer(429, text, headers)
