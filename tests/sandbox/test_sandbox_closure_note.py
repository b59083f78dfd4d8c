"""The closure_note_ignored switch: POST /Tickets drops closure_note, actions still resolve."""

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer
from tests.helpers import reconfigure


def _open_incident(sandbox: SandboxServer) -> int:
    return next(t.id for t in sandbox.state.tickets.values() if t.status_id == 2)


@pytest.mark.parametrize("ignored", [False, True])
def test_closure_note_is_saved_unless_the_switch_ignores_it(
    sandbox: SandboxServer, api: httpx.Client, ignored: bool
) -> None:
    reconfigure(sandbox, closure_note_ignored=ignored)
    ticket_id = _open_incident(sandbox)
    update = {"id": ticket_id, "status_id": 8, "closure_note": "<p>Swapped it.</p>"}
    updated = api.post("/Tickets", json=[update]).json()
    create = {"summary": "Done already", "client_id": 12, "status_id": 9, "closure_note": "x"}
    created = api.post("/Tickets", json=[create]).json()
    assert updated["status_id"] == 8, "the rest of the write is still saved"
    assert created["status_id"] == 9
    if ignored:
        assert (updated["closure_note"], created["closure_note"]) == (None, None)
    else:
        assert (updated["closure_note"], created["closure_note"]) == ("<p>Swapped it.</p>", "x")


def test_an_action_with_new_status_resolves_where_closure_note_is_ignored(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    reconfigure(sandbox, closure_note_ignored=True)
    ticket_id = _open_incident(sandbox)
    item = {"ticket_id": ticket_id, "outcome_id": 1, "note_html": "<p>Fixed.</p>",
            "new_status": 8}  # fmt: skip
    assert api.post("/Actions", json=[item]).status_code == 200
    stored = sandbox.state.tickets[ticket_id]
    assert (stored.status_id, stored.dateclosed is not None) == (8, True)
