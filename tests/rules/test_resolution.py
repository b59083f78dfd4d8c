"""Where a resolution is written, and where get_ticket finds it again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from halopsa_mcp.domain.records import Action, Outcome
from halopsa_mcp.domain.writes import ActionWrite, TicketWrite
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.resolution import (
    history_decides,
    resolution_of,
    resolving_writes,
    unkept,
    unrecorded,
)
from halopsa_mcp.rules.tickets import TicketState
from tests.rules.catalogs import CHANGE, DEFAULT, INCIDENT, REMAPPED

OPEN = TicketState(1116, 12, 2, INCIDENT, 1, 3, has_resolution=False)
RESOLVED = replace(OPEN, status_id=8, has_resolution=True)
FIX = "<p>Replaced the PSU.</p>"
# REMAPPED plus a note outcome found by its settings; "Closed - Duplicate" (20) is set by
# no outcome.
INTERNAL_NOTE = Outcome(3, "Internal Note", None, hidden_from_user=True)
NOTED = replace(REMAPPED, outcomes=(*REMAPPED.outcomes, INTERNAL_NOTE))


def _writes(
    write: TicketWrite,
    current: TicketState | None = OPEN,
    catalog: Catalog = DEFAULT,
    *,
    stored_note: bool = False,
    default_outcome: str = "Private Note",
) -> tuple[TicketWrite | None, ActionWrite | None, tuple[str, ...]]:
    found = resolving_writes(
        write, current, catalog, default_outcome=default_outcome, stored_note=stored_note
    )
    return found.ticket, found.action, found.warnings


def _action(status_id: int, outcome_id: int, ticket_id: int = 1116) -> ActionWrite:
    return ActionWrite(
        ticket_id=ticket_id, hidden_from_user=True, outcome_id=outcome_id, note_html=FIX,
        new_status_id=status_id, send_email=False,
    )  # fmt: skip


# --- writing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status_id", "outcome_id"), [(8, 7), (9, 8)])
def test_a_status_and_resolution_become_one_action_with_the_outcome_setting_that_status(
    status_id: int, outcome_id: int
) -> None:
    ticket, action, warnings = _writes(TicketWrite(status_id=status_id, resolution_html=FIX))
    assert ticket is None, "nothing else changes: no ticket write"
    assert action == _action(status_id, outcome_id)
    assert warnings == ()


def test_a_closing_status_no_outcome_sets_gets_the_note_outcome() -> None:
    write = TicketWrite(status_id=20, resolution_html=FIX)
    _, action, _ = _writes(write, replace(OPEN, status_id=12), NOTED)
    assert action == _action(20, INTERNAL_NOTE.id)


def test_the_configured_default_outcome_is_the_note_outcome_when_it_exists() -> None:
    _, action, _ = _writes(
        TicketWrite(status_id=20, resolution_html=FIX),
        replace(OPEN, status_id=12),
        NOTED,
        default_outcome="note",
    )
    assert action == _action(20, 1), "named by HALOPSA_DEFAULT_OUTCOME, as add_action's"


def test_other_fields_still_go_to_the_ticket_with_the_closure_note_but_not_the_status() -> None:
    write = TicketWrite(summary="PSU dead", agent_id=2, status_id=8, resolution_html=FIX)
    ticket, action, _ = _writes(write)
    assert ticket == TicketWrite(summary="PSU dead", agent_id=2, resolution_html=FIX)
    assert action == _action(8, 7)


def test_a_stored_closure_note_is_replaced_so_it_cannot_hide_the_new_resolution() -> None:
    ticket, action, _ = _writes(TicketWrite(status_id=8, resolution_html=FIX), stored_note=True)
    assert ticket == TicketWrite(resolution_html=FIX)
    assert action == _action(8, 7)


def test_a_resolution_on_a_ticket_already_closed_is_an_action_at_its_status() -> None:
    ticket, action, _ = _writes(TicketWrite(resolution_html=FIX), RESOLVED)
    assert ticket is None
    assert action == _action(8, 7)


@pytest.mark.parametrize(
    "write",
    [
        TicketWrite(status_id=8),  # closing, the resolution already on the ticket
        TicketWrite(status_id=3, resolution_html=FIX),  # an open status: closure note only
        TicketWrite(resolution_html=FIX),  # the ticket stays open
        TicketWrite(summary="x"),
    ],
)
def test_writes_that_resolve_nothing_go_to_the_ticket_unchanged(write: TicketWrite) -> None:
    assert _writes(write) == (write, None, ())


def test_with_no_usable_outcome_the_resolution_stays_a_closure_note_and_a_warning_says_so() -> None:
    no_notes = replace(DEFAULT, outcomes=(Outcome(2, "Customer Update", None),))
    write = TicketWrite(status_id=8, resolution_html=FIX)
    ticket, action, warnings = _writes(write, catalog=no_notes)
    assert (ticket, action) == (write, None)
    (warning,) = warnings
    assert "closure note" in warning
    assert "add_action" in warning


def test_an_outcome_of_another_ticket_type_is_not_used() -> None:
    only_change = replace(
        DEFAULT,
        outcomes=(Outcome(7, "Resolve", 8, ticket_type_ids=frozenset({CHANGE})),
                  Outcome(1, "Private Note", None, hidden_from_user=True)),
    )  # fmt: skip
    _, action, _ = _writes(TicketWrite(status_id=8, resolution_html=FIX), catalog=only_change)
    assert action == _action(8, 1)


def test_a_new_ticket_keeps_its_status_and_gets_the_action_after_it() -> None:
    write = TicketWrite(summary="Done", client_id=12, ticket_type_id=INCIDENT, status_id=9,
                        resolution_html=FIX)  # fmt: skip
    ticket, action, _ = _writes(write, None)
    assert ticket == write
    assert action == _action(9, 8, ticket_id=0)


def test_a_new_open_ticket_needs_no_action() -> None:
    write = TicketWrite(summary="Open", client_id=12, ticket_type_id=INCIDENT, status_id=1)
    assert _writes(write, None) == (write, None, ())


# --- reading ------------------------------------------------------------------------------


def _act(
    id_: int, when: str, note: str = "", *, status: int | None = None, outcome: str = ""
) -> Action:
    return Action(id=id_, ticket_id=1116, when=when, note=note, new_status_id=status,
                  outcome=outcome)  # fmt: skip


HISTORY = (
    _act(1, "2026-01-01T09:00:00", "Looked at it"),
    _act(2, "2026-01-02T09:00:00", "<p>Replaced the PSU.</p>", status=8),
    _act(3, "2026-01-03T09:00:00", "Chased the customer"),
)


@pytest.mark.parametrize(
    ("closure_note", "closes", "actions", "expected"),
    [
        ("<p>Fixed</p>", True, HISTORY, "<p>Fixed</p>"),  # the closure note first
        ("<p>Fixed</p>", False, (), "<p>Fixed</p>"),  # shown whatever the status, as stored
        ("", True, HISTORY, "<p>Replaced the PSU.</p>"),
        ("  ", True, HISTORY, "<p>Replaced the PSU.</p>"),
        ("", True, tuple(reversed(HISTORY)), "<p>Replaced the PSU.</p>"),  # any listed order
        ("", False, HISTORY, ""),  # open now: an old closing note is from before a reopening
        ("", True, HISTORY[:1], ""),  # closed without a note anywhere
        ("", True, (), ""),
        # Resolved with a note, then Closed without one: the resolution is the first note.
        (
            "",
            True,
            (*HISTORY, _act(4, "2026-01-04T09:00:00", status=9)),
            "<p>Replaced the PSU.</p>",
        ),
        # The newest of two closings wins.
        (
            "",
            True,
            (*HISTORY, _act(4, "2026-01-04T09:00:00", "Closed: dupe", status=9)),
            "Closed: dupe",
        ),
        # Reopened by an action, then closed without a note: the old note is stale.
        (
            "",
            True,
            (
                *HISTORY,
                _act(4, "2026-01-04T09:00:00", "Back", status=2),
                _act(5, "2026-01-05T09:00:00", status=9),
            ),
            "",
        ),
        # An outcome that closes counts when the action does not name its status.
        ("", True, (_act(6, "2026-01-06T09:00:00", "Sorted", outcome="Resolve"),), "Sorted"),
        ("", True, (_act(6, "2026-01-06T09:00:00", "Noted", outcome="Private Note"),), ""),
        ("", True, (_act(6, "2026-01-06T09:00:00", "Lost", outcome="No Such Outcome"),), ""),
    ],
)
def test_the_resolution_is_the_closure_note_else_the_newest_closing_actions_note(
    closure_note: str, closes: bool, actions: tuple[Action, ...], expected: str
) -> None:
    found = resolution_of(closure_note, closes=closes, actions=actions, catalog=DEFAULT)
    assert found == expected


@pytest.mark.parametrize(
    ("sent", "saved_note", "warned"),
    [
        (TicketWrite(resolution_html=FIX), "", True),
        (TicketWrite(resolution_html=FIX), "  ", True),
        (TicketWrite(resolution_html=FIX), FIX, False),
        (TicketWrite(summary="x"), "", False),  # no resolution sent
        (None, "", False),  # nothing sent to the ticket
    ],
)
def test_a_closure_note_not_kept_is_told(
    sent: TicketWrite | None, saved_note: str, warned: bool
) -> None:
    warnings = unkept(sent, saved_note)
    assert len(warnings) == (1 if warned else 0)
    assert all("add_action" in w for w in warnings)


@pytest.mark.parametrize(
    ("target", "given", "note", "decides"),
    [
        (9, False, "", True),  # closing, nothing given, nothing on the ticket
        (9, True, "", False),  # the call gives one
        (9, False, "Fixed", False),  # the closure note holds one
        (2, False, "", False),  # not closing
        (None, False, "", False),  # no status change
    ],
)
def test_only_closing_without_any_resolution_at_hand_reads_the_history(
    target: int | None, given: bool, note: str, decides: bool
) -> None:
    assert (
        history_decides(target, resolution_given=given, ticket_note=note, catalog=DEFAULT)
        is decides
    )


def test_closing_with_no_resolution_found_warns_with_the_fix() -> None:
    (warning,) = unrecorded(1116, "", fix="pass resolution")
    assert warning.startswith("ticket 1116 is closed with no resolution recorded anywhere")
    assert warning.endswith("; pass resolution")
    assert unrecorded(1116, FIX, fix="pass resolution") == ()
