"""Rules for actions (notes, time entries, status changes) added to a ticket."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from halopsa_mcp.domain.records import Action, Outcome
from halopsa_mcp.domain.writes import ActionWrite
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.text import clean_text, minutes_to_hours, text_to_html
from halopsa_mcp.rules.tickets import TicketState
from halopsa_mcp.rules.transitions import check_transition
from halopsa_mcp.rules.verdict import Verdict, one_error
from halopsa_mcp.rules.wording import label, use_one_of

# More than a day in one action is almost surely hours or seconds passed as minutes.
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class NewAction:
    """The arguments of add_action."""

    ticket_id: int
    note: str | None = None
    time_minutes: float | None = None
    outcome_id: int | None = None
    new_status_id: int | None = None
    visible_to_customer: bool = False
    billable: bool | None = None


@dataclass(frozen=True)
class ActionPlan:
    """A judged action: write ``action`` only when ``verdict.ok``."""

    action: ActionWrite
    verdict: Verdict


def plan_action(
    action: NewAction, ticket: TicketState | None, catalog: Catalog, *, default_outcome: str
) -> ActionPlan:
    """Every rule for a new action, all violations at once. ``ticket`` is None when the
    ticket does not exist; ``default_outcome`` names the outcome used when none is given."""
    # Cleaned first, so a note of invisible characters counts as no note.
    note = clean_text(action.note) if action.note is not None else ""
    type_id = ticket.ticket_type_id if ticket else None
    outcome, outcome_verdict = _outcome(action, type_id, catalog, default_outcome)
    target = action.new_status_id
    if target is None and outcome is not None:
        target = outcome.new_status_id
    verdict = (
        _ticket(action.ticket_id, ticket)
        + _note(bool(note), action.time_minutes)
        + _time(action.time_minutes)
        + outcome_verdict
    )
    if outcome is not None:
        verdict += _outcome_overridden(outcome, action.new_status_id, catalog)
        verdict += _visibility(outcome, action.visible_to_customer, has_note=bool(note))
    if ticket is not None and action.visible_to_customer and note and not ticket.has_end_user:
        verdict += _nobody_to_see(ticket.id)
    if ticket is not None and target is not None:
        verdict += check_transition(
            ticket.status_id,
            target,
            ticket_type_id=ticket.ticket_type_id,
            # An action that resolves or closes the ticket carries the resolution in its note.
            has_resolution=ticket.has_resolution or bool(note),
            has_agent=bool(ticket.agent_id),
            catalog=catalog,
            field="outcome_id" if action.new_status_id is None else "new_status_id",
        )
    write = ActionWrite(
        ticket_id=action.ticket_id,
        hidden_from_user=not action.visible_to_customer,
        outcome_id=outcome.id if outcome is not None else None,
        note_html=text_to_html(note) if note else None,
        hours=minutes_to_hours(action.time_minutes) if action.time_minutes is not None else None,
        new_status_id=target,
        billable=action.billable,
    )
    return ActionPlan(write, verdict)


def _ticket(ticket_id: int, ticket: TicketState | None) -> Verdict:
    if ticket is not None:
        return Verdict()
    return one_error(
        "ticket_id", f"ticket {ticket_id} does not exist", "find the ticket with search_tickets"
    )


def _note(has_note: bool, time_minutes: float | None) -> Verdict:
    if has_note or (time_minutes is not None and time_minutes > 0):
        return Verdict()
    return one_error(
        "note",
        "a note is required unless the action only logs time",
        "write what was done in note, or pass time_minutes above 0 to log time alone",
    )


def _time(time_minutes: float | None) -> Verdict:
    if time_minutes is None:
        return Verdict()
    if not math.isfinite(time_minutes) or time_minutes < 0:
        return one_error(
            "time_minutes",
            f"time_minutes is {time_minutes}, not a number of minutes of 0 or more",
            "pass the time spent in minutes, e.g. 30 for half an hour",
        )
    if 0 < time_minutes < 1:
        return one_error(
            "time_minutes",
            f"{time_minutes:g} minutes is under a minute, which rounds to nothing in "
            "HaloPSA's hours",
            "log at least 1 minute, or leave time_minutes out",
        )
    if time_minutes > MAX_MINUTES:
        return one_error(
            "time_minutes",
            f"{time_minutes:g} minutes is more than a day ({MAX_MINUTES} minutes) in one action",
            "time_minutes is in MINUTES (90 = an hour and a half); "
            "log longer work as one action per day",
        )
    return Verdict()


def _outcome(
    action: NewAction, type_id: int | None, catalog: Catalog, default_outcome: str
) -> tuple[Outcome | None, Verdict]:
    """The action's outcome (its kind, as HaloPSA sees it): the one given, else the default."""
    choices = catalog.outcomes_for(type_id)
    fix = use_one_of((o.id, o.name) for o in choices)
    found = Verdict()
    if action.outcome_id is not None:
        outcome = catalog.outcome(action.outcome_id)
        if outcome is None:
            return None, one_error("outcome_id", f"outcome {action.outcome_id} does not exist", fix)
    else:
        named = catalog.outcome_named(default_outcome)
        outcome = named or private_note(choices)
        if outcome is None:
            message = f"no outcome_id given, and there is no '{default_outcome}' outcome to use"
            return None, one_error("outcome_id", message, "pass outcome_id: " + fix)
        if named is None:
            found = Verdict(
                warnings=(
                    f"there is no '{default_outcome}' outcome; used "
                    f"{label(outcome.id, outcome.name)}, a private note by its settings "
                    "(hidden from the end user, no status change)",
                )
            )
    if outcome not in choices:
        type_ = catalog.ticket_type(type_id) if type_id is not None else None
        type_name = label(type_.id, type_.name) if type_ else str(type_id)
        message = (
            f"outcome {label(outcome.id, outcome.name)} is not used by ticket type {type_name}"
        )
        return None, one_error("outcome_id", message, fix)
    return outcome, found


def private_note(outcomes: Iterable[Outcome]) -> Outcome | None:
    """The outcome that is a private note by its settings: hidden from the end user and
    changing no status. Instances name it differently ("Private Note", "Internal Note");
    among several such (a phone call, a time entry), one named a note comes first."""
    notes = [o for o in outcomes if o.hidden_from_user and o.new_status_id is None]
    notes.sort(key=lambda o: ("note" not in o.name.casefold(), o.id))
    return notes[0] if notes else None


def _outcome_overridden(outcome: Outcome, new_status_id: int | None, catalog: Catalog) -> Verdict:
    """An explicit status wins over the outcome's own; say so, in case the outcome was
    chosen for the status it sets."""
    if new_status_id is None or outcome.new_status_id in (None, new_status_id):
        return Verdict()
    implied = _status_label(outcome.new_status_id, catalog)
    given = _status_label(new_status_id, catalog)
    return Verdict(
        warnings=(
            f"outcome {label(outcome.id, outcome.name)} would set {implied}; "
            f"new_status_id {given} is used instead",
        )
    )


def _visibility(outcome: Outcome, visible_to_customer: bool, *, has_note: bool) -> Verdict:
    """An outcome the customer normally sees, sent hidden: likely a reply meant for them.
    Only a note can be shown, so a time-only action has nothing to warn about."""
    if outcome.hidden_from_user or visible_to_customer or not has_note:
        return Verdict()
    return Verdict(
        warnings=(
            f"outcome {label(outcome.id, outcome.name)} is visible to the customer by default, "
            "but the note will be internal; pass visible_to_customer=true to show it to the "
            "customer",
        )
    )


def _nobody_to_see(ticket_id: int) -> Verdict:
    return Verdict(
        warnings=(
            f"ticket {ticket_id} has no end user, so the note shown to the customer reaches "
            "nobody (and no email is sent); keep it internal, or set the ticket's end user "
            "in HaloPSA first",
        )
    )


def _status_label(status_id: int, catalog: Catalog) -> str:
    # An unknown status blocks the action elsewhere; here it is only named, by its ID.
    status = catalog.status(status_id)
    return label(status.id, status.name) if status else str(status_id)


def newest_first(actions: Iterable[Action]) -> list[Action]:
    """Actions by date, then ID, newest first: HaloPSA documents no order for its list,
    and one instance sent the oldest first. An action without a readable date sorts as
    the oldest."""
    return sorted(actions, key=lambda a: (_moment(a.when), a.id), reverse=True)


def _moment(when: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(when or "")
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    # HaloPSA sends UTC, with or without the zone; mixed forms must still compare.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
