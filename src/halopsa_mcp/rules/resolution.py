"""Where a ticket's resolution is written, and where it is read back from.

HaloPSA has a ticket field for it (the closure note), but no public client is known to
save it through the API, and an instance may drop it. Every public client resolves by adding
an action whose note is the resolution and which moves the ticket to the closing status:
that is the write relied on here, the closure note only sent beside it. Reading, the
closure note comes first, else the note of the action that closed the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from halopsa_mcp.domain.records import Action, Outcome
from halopsa_mcp.domain.writes import ActionWrite, TicketWrite
from halopsa_mcp.rules.actions import newest_first, private_note
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.tickets import TicketState
from halopsa_mcp.rules.wording import label


@dataclass(frozen=True)
class ResolvingWrites:
    """A judged ticket write split into what is sent: ``ticket`` first (None: nothing to
    send), then ``action`` (None: no resolution to record as one). A new ticket's action
    carries ticket_id 0 until the ticket exists."""

    ticket: TicketWrite | None
    action: ActionWrite | None
    warnings: tuple[str, ...] = ()


def resolving_writes(
    write: TicketWrite,
    current: TicketState | None,
    catalog: Catalog,
    *,
    default_outcome: str,
    stored_note: bool = False,
) -> ResolvingWrites:
    """``write`` for the ticket ``current`` (None: a new ticket), with a resolution that
    leaves the ticket in a closing status recorded as an action moving it there.

    On an update the action alone moves the status; the other fields, and the closure
    note beside them, go to the ticket first. The closure note alone is sent only when
    ``stored_note`` (the ticket holds one already, which would hide the new resolution):
    otherwise the action is the one request. A new ticket is created as asked, then the
    action records its resolution."""
    status_id = write.status_id
    if status_id is None and current is not None:
        status_id = current.status_id
    if write.resolution_html is None or status_id is None or not catalog.closes(status_id):
        return ResolvingWrites(write, None)
    type_id = current.ticket_type_id if current else write.ticket_type_id
    outcome = resolving_outcome(catalog, type_id, status_id, default_outcome=default_outcome)
    if outcome is None:
        return ResolvingWrites(write, None, (_no_outcome(status_id, catalog),))
    action = ActionWrite(
        ticket_id=current.id if current else 0,
        hidden_from_user=True,
        outcome_id=outcome.id,
        note_html=write.resolution_html,
        new_status_id=status_id,
        send_email=False,
    )
    if current is None:
        return ResolvingWrites(write, action)
    rest = replace(write, status_id=None)
    if replace(rest, resolution_html=None) == TicketWrite() and not stored_note:
        return ResolvingWrites(None, action)
    return ResolvingWrites(rest, action)


def resolving_outcome(
    catalog: Catalog, ticket_type_id: int | None, status_id: int, *, default_outcome: str
) -> Outcome | None:
    """The outcome of an action resolving a ticket into ``status_id``: the instance's own
    outcome that sets that status, else the note outcome add_action defaults to (named by
    ``default_outcome``, else a private note by its settings). The action names the status
    itself, so the note outcome moves the ticket all the same."""
    choices = catalog.outcomes_for(ticket_type_id)
    setting = [o for o in choices if o.new_status_id == status_id]
    if setting:
        return min(setting, key=lambda o: o.id)
    named = catalog.outcome_named(default_outcome)
    return named if named in choices else private_note(choices)


def _no_outcome(status_id: int, catalog: Catalog) -> str:
    status = catalog.status(status_id)
    name = label(status.id, status.name) if status else str(status_id)
    return (
        f"no outcome can record the resolution as an action (none sets {name}, and there is "
        "no note outcome for this ticket type): it was sent only as the ticket's closure "
        "note, which some instances do not keep; check with get_ticket, and if the "
        "resolution is missing, add it with add_action"
    )


def resolution_of(
    ticket_note: str, *, closes: bool, actions: Iterable[Action], catalog: Catalog
) -> str:
    """The ticket's resolution: its closure note (``ticket_note``) when it has one; else,
    while the ticket is in a closing status (``closes``), the note of the newest action
    that moved it into one, unless an action has reopened it since. A closing action
    without a note (Closed after Resolved) leaves the one before it as the resolution.
    "" when there is none."""
    if ticket_note.strip():
        return ticket_note
    if not closes:
        return ""
    for action in newest_first(actions):
        status_id = _status_set(action, catalog)
        if status_id is None:
            continue
        if not catalog.closes(status_id):
            return ""
        if action.note.strip():
            return action.note
    return ""


def history_decides(
    target_status_id: int | None, *, resolution_given: bool, ticket_note: str, catalog: Catalog
) -> bool:
    """Whether only the ticket's actions can tell if a write moving it to
    ``target_status_id`` leaves a resolution on record: it closes the ticket, gives no
    resolution, and the ticket holds no closure note."""
    if target_status_id is None or not catalog.closes(target_status_id):
        return False
    return not resolution_given and not ticket_note.strip()


def unrecorded(ticket_id: int, found: str, *, fix: str) -> tuple[str, ...]:
    """A warning when a ticket is being closed with no resolution (``found``, from
    ``resolution_of``) recorded anywhere."""
    if found.strip():
        return ()
    return (
        f"ticket {ticket_id} is closed with no resolution recorded anywhere (no closure "
        f"note, and no action that resolved it has a note); {fix}",
    )


def _status_set(action: Action, catalog: Catalog) -> int | None:
    """The status an action moved its ticket to: its own, else its outcome's."""
    if action.new_status_id is not None:
        return action.new_status_id
    outcome = catalog.outcome_named(action.outcome) if action.outcome else None
    return outcome.new_status_id if outcome else None


def unkept(sent: TicketWrite | None, saved_note: str) -> tuple[str, ...]:
    """A warning when a resolution sent as the closure note alone (no action recorded
    it) came back without it: the instance does not keep the field."""
    if sent is None or sent.resolution_html is None or saved_note.strip():
        return ()
    return (
        "HaloPSA did not keep the resolution as the ticket's closure note (this instance "
        "may ignore the field); to keep it on record, add it as a note with add_action",
    )
