"""Tool errors the model can act on: what happened, whether anything was written, what next."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
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
    HaloServerError,
    HaloTimedOut,
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


# How HaloPSA words a field or approval that a ticket type or outcome makes mandatory,
# e.g. "CODE:APP03/2 Please select the CAB members to approve".
_MANDATORY = re.compile(
    r"\bCODE:\s*\w|\bplease (select|enter|choose|fill|provide)\b|\bmandatory\b", re.I
)


def _tied_to_inputs(
    exc: HaloError, doing: str, written: str, given: Mapping[str, int]
) -> ToolError | None:
    """A 403 (a permission the API application lacks for this record) or a 400 for a
    mandatory field or approval, told with the inputs that brought it on; else None."""
    named = ", ".join(f"{name}={value}" for name, value in given.items())
    other = next(iter(given))
    if isinstance(exc, HaloForbidden):
        return ToolError(
            f"HaloPSA refused to {doing} with {named}: {_halo_message(exc)}.{written} The API "
            f"application lacks the permission this needs. Repeating the call will not help: "
            f"pick another {other} ({_LISTED_BY.get(other, 'ask the user')}), or ask an "
            "administrator to grant the permission in HaloPSA."
        )
    if isinstance(exc, HaloBadRequest) and _MANDATORY.search(exc.message):
        return ToolError(
            f"HaloPSA refused to {doing} with {named}: {_halo_message(exc)}.{written} This is a "
            "mandatory field or approval of that ticket type or outcome, which this server "
            f"cannot supply. Pick another {other} ({_LISTED_BY.get(other, 'ask the user')}), "
            "or have a person complete it in HaloPSA."
        )
    return None


_LISTED_BY = {
    "outcome_id": "list_outcomes shows them",
    "ticket_type_id": "list_ticket_types shows them",
    "status_id": "list_statuses shows them",
}


@contextmanager
def halo_errors(
    doing: str,
    *,
    write: bool,
    check_with: str = "get_ticket",
    inputs: Mapping[str, int | None] | None = None,
    already: str = "",
) -> Iterator[None]:
    """Around a call to HaloPSA: its failure becomes the tool error ``halo_failed`` words,
    without the client's traceback (which names internals the model cannot use)."""
    try:
        yield
    except HaloError as exc:
        raise halo_failed(
            exc, doing, write=write, check_with=check_with, inputs=inputs, already=already
        ) from None


def halo_failed(
    exc: HaloError,
    doing: str,
    *,
    write: bool,
    check_with: str = "get_ticket",
    inputs: Mapping[str, int | None] | None = None,
    already: str = "",
) -> ToolError:
    """``exc`` told as the outcome of ``doing`` (e.g. "create the ticket"); ``check_with``
    names the tool that shows whether an uncertain write happened; ``inputs`` are the
    tool inputs HaloPSA ties its permissions and mandatory fields to (e.g. outcome_id),
    named when it refuses on their account. ``already`` tells what an earlier write of
    the same call saved, when this failure came after it."""
    told = _told(exc, doing, write=write, check_with=check_with, inputs=inputs, more=bool(already))
    return ToolError(f"{already} {told}") if already else told


def _told(
    exc: HaloError,
    doing: str,
    *,
    write: bool,
    check_with: str,
    inputs: Mapping[str, int | None] | None,
    more: bool,
) -> ToolError:
    if exc.may_have_applied:
        status = f"HTTP {exc.status}" if exc.status is not None else "no answer"
        return ToolError(
            f"HaloPSA failed while asked to {doing} ({status} for {exc.method} {exc.path}: "
            f"{_halo_message(exc)}), and it may already have done it. Do NOT repeat the call: "
            f"check first with {check_with}, and repeat only if the change is missing."
        )
    written = (" Nothing more was written." if more else " Nothing was written.") if write else ""
    given = {name: value for name, value in (inputs or {}).items() if value is not None}
    if given and (tied := _tied_to_inputs(exc, doing, written, given)) is not None:
        return tied
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
    if (passing := _can_pass(exc, doing, written)) is not None:
        return passing
    if isinstance(exc, HaloAuthError | HaloConnectionError):
        return ToolError(
            f"The server could not {doing}: {readable(str(exc), limit=600)}.{written} This is "
            "a configuration or "
            "network problem for the server's operator, not something to retry now."
        )
    # An answer arrived that will be the same next time (an unexpected shape or status):
    # retrying cannot help, so the model is told whose problem it is and what came back.
    where = f"{exc.method} {exc.path}".strip() or "its request"
    status = f"HTTP {exc.status}" if exc.status is not None else "an answer"
    return ToolError(
        f"HaloPSA's answer to {where} ({status}) could not be used to {doing}: "
        f"{_halo_message(exc)}.{written} Retrying will not change it: this is a problem for the "
        "server's operator, who should compare the instance with the server's expectations."
    )


def _can_pass(exc: HaloError, doing: str, written: str) -> ToolError | None:
    """The failures worth retrying later (429, a timeout, 5xx) told so; else None."""
    if isinstance(exc, HaloRateLimited):
        # The quota frees on its own schedule: the one thing the model can do is come
        # back then, so it is told when.
        seconds = exc.retry_seconds
        when = "in a few minutes" if seconds is None else f"in about {seconds} seconds"
        return ToolError(
            f"The server could not {doing} now: {_halo_message(exc)}.{written} This is "
            f"transient, the budget frees on its own: try again {when}. Retrying sooner "
            "will be refused the same way."
        )
    if isinstance(exc, HaloTimedOut):
        return ToolError(
            f"HaloPSA did not answer in time when asked to {doing}: "
            f"{readable(str(exc), limit=600)}.{written} This can pass: try again later."
        )
    if isinstance(exc, HaloServerError):
        return ToolError(
            f"HaloPSA failed while asked to {doing} (HTTP {exc.status}: {_halo_message(exc)})."
            f"{written} This can pass: try again later."
        )
    return None
