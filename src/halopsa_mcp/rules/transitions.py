"""The ticket skill's status transition rules, read against the instance's own statuses."""

from __future__ import annotations

from halopsa_mcp.domain.records import Status
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.verdict import Problem, Verdict, one_error
from halopsa_mcp.rules.wording import label, use_one_of

# Status arguments of add_action: there the resolution is the action's note.
_ACTION_FIELDS = frozenset({"new_status_id", "outcome_id"})


def check_transition(
    current_status_id: int | None,
    target_status_id: int,
    *,
    ticket_type_id: int | None,
    has_resolution: bool,
    has_agent: bool,
    catalog: Catalog,
    field: str = "status_id",
) -> Verdict:
    """Whether a ticket may move from ``current_status_id`` (None: it is being created)
    to ``target_status_id``. Errors block the move; warnings only inform."""
    if current_status_id == target_status_id:
        return Verdict()
    target = catalog.status(target_status_id)
    allowed = catalog.statuses_for(ticket_type_id)
    if target is None:
        return _refuse(field, f"status {target_status_id} does not exist", allowed)
    if target not in allowed:
        type_ = catalog.ticket_type(ticket_type_id) if ticket_type_id is not None else None
        type_name = label(type_.id, type_.name) if type_ else str(ticket_type_id)
        message = f"status {label(target.id, target.name)} is not used by ticket type {type_name}"
        return _refuse(field, message, allowed)

    closing = target.closes
    errors: list[Problem] = []
    warnings: list[str] = []
    if closing and not has_resolution:
        errors.append(_resolution_missing(field, target))
    if closing and current_status_id in (None, catalog.role("new")):
        warnings.append(f"moving to {_name(target)} without an In Progress step")
    if target.id == catalog.role("in_progress") and not has_agent:
        warnings.append(f"{_name(target)} with no agent assigned; assign one with agent_id")
    if catalog.closes(current_status_id) and not closing:
        warnings.append(f"the ticket is being reopened: it moves to {_name(target)}")
    return Verdict(tuple(errors), tuple(warnings))


def _refuse(field: str, message: str, allowed: tuple[Status, ...]) -> Verdict:
    return one_error(field, message, use_one_of((s.id, s.name) for s in allowed))


def _resolution_missing(field: str, target: Status) -> Problem:
    if field in _ACTION_FIELDS:
        fix = "write the resolution (what fixed the problem) in the action's note"
    else:
        fix = "pass resolution with what was done to fix the problem"
    message = f"status {_name(target)} closes the ticket and needs a resolution (closure note)"
    return Problem(field, message, fix)


def _name(status: Status) -> str:
    return label(status.id, status.name)
