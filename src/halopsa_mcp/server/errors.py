"""Tool errors the model can act on: what happened, whether anything was written, what next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from halopsa_mcp.client import (
    HaloAuthError,
    HaloBadRequest,
    HaloConnectionError,
    HaloError,
    HaloForbidden,
    HaloNotFound,
    HaloNotHaloPSA,
    HaloRateLimited,
)
from halopsa_mcp.rules.verdict import Problem, Verdict
from halopsa_mcp.server.for_the_model import readable


def refused(verdict: Verdict, *, write: bool = True) -> ToolError:
    """Every rule the request breaks, each with its fix (and, for a write: nothing was
    written)."""
    count = len(verdict.errors)
    rules = f"{count} rule{'s' if count != 1 else ''}"
    lead = f"Nothing was written: the request breaks {rules}." if write else "Invalid request."
    lines = [f"{lead} Fix every one, then call again:"]
    lines += [f"- {problem}" for problem in verdict.errors]
    if verdict.warnings:
        lines.append("Also note: " + "; ".join(verdict.warnings))
    return ToolError("\n".join(lines))


def invalid(problem: Problem, *, write: bool = True) -> ToolError:
    return refused(Verdict(errors=(problem,)), write=write)


def _halo_message(exc: HaloError) -> str:
    # HaloPSA's error bodies are free text, sometimes whole HTML pages, and can carry
    # text a customer typed: cleaned like any ticket text before the model reads it.
    return readable(exc.message, limit=500)


@contextmanager
def halo_errors(doing: str, *, write: bool, check_with: str = "get_ticket") -> Iterator[None]:
    """Around a call to HaloPSA: its failure becomes the tool error ``halo_failed`` words,
    without the client's traceback (which names internals the model cannot use)."""
    try:
        yield
    except HaloError as exc:
        raise halo_failed(exc, doing, write=write, check_with=check_with) from None


def halo_failed(
    exc: HaloError, doing: str, *, write: bool, check_with: str = "get_ticket"
) -> ToolError:
    """``exc`` told as the outcome of ``doing`` (e.g. "create the ticket"); ``check_with``
    names the tool that shows whether an uncertain write happened."""
    if exc.may_have_applied:
        status = f"HTTP {exc.status}" if exc.status is not None else "no answer"
        return ToolError(
            f"HaloPSA failed while asked to {doing} ({status} for {exc.method} {exc.path}: "
            f"{_halo_message(exc)}), and it may already have done it. Do NOT repeat the call: "
            f"check first with {check_with}, and repeat only if the change is missing."
        )
    written = " Nothing was written." if write else ""
    if isinstance(exc, HaloBadRequest):
        return ToolError(
            f"HaloPSA refused to {doing}: {_halo_message(exc)}.{written} Check the IDs against "
            "list_statuses, list_priorities, list_ticket_types and list_outcomes."
        )
    if isinstance(exc, HaloNotHaloPSA):
        return ToolError(
            f"The server could not {doing}: {readable(str(exc), limit=600)}.{written} This is "
            "a configuration problem for the server's operator, not something to retry."
        )
    if isinstance(exc, HaloNotFound):
        return ToolError(f"HaloPSA could not {doing}: {_halo_message(exc)}.{written}")
    if isinstance(exc, HaloForbidden):
        return ToolError(
            f"HaloPSA does not allow this API application to {doing}: "
            f"{_halo_message(exc)}.{written} An administrator must grant the permission or "
            "scope."
        )
    if isinstance(exc, HaloRateLimited):
        return ToolError(
            f"HaloPSA is rate limiting requests, so it could not {doing}.{written} "
            "Wait a minute or two before trying again."
        )
    if isinstance(exc, HaloAuthError | HaloConnectionError):
        return ToolError(
            f"The server could not {doing}: {readable(str(exc), limit=600)}.{written} This is "
            "a configuration or "
            "network problem for the server's operator, not something to retry now."
        )
    return ToolError(
        f"HaloPSA could not {doing}: {readable(str(exc), limit=600)}.{written} Try again later."
    )
