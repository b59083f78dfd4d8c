"""The renumbered sandbox: HaloPSA's default IDs exist but mean something else, and every
record still points at rows that exist."""

from halopsa_mcp.sandbox import SandboxConfig, SandboxState
from halopsa_mcp.sandbox.unkind import unkind


def _names(rows: dict[int, object], attribute: str) -> dict[int, str]:
    return {key: getattr(row, attribute) for key, row in rows.items()}


def test_the_documented_defaults_mean_other_things() -> None:
    state = SandboxState(SandboxConfig(renumbered_ids=True))
    statuses = _names(state.statuses, "name")  # type: ignore[arg-type]
    assert statuses[1] != "New"
    assert statuses[8] != "Resolved"
    assert statuses[9] != "Closed"
    assert _names(state.outcomes, "outcome")[1] != "Private Note"  # type: ignore[arg-type]
    assert _names(state.tickettypes, "name")[1] != "Incident"  # type: ignore[arg-type]
    medium = [p for p in state.priorities if p.slaid == 1 and p.name == "Medium"]
    assert [p.priorityid for p in medium] != [3]


def test_every_record_points_at_rows_that_exist() -> None:
    state = SandboxState(unkind())
    priorities = {(p.slaid, p.priorityid) for p in state.priorities}
    for ticket in state.tickets.values():
        assert ticket.status_id in state.statuses
        assert ticket.tickettype_id in state.tickettypes
        assert (ticket.sla_id, ticket.priority_id) in priorities
    for action in state.actions.values():
        assert action.outcome_id in state.outcomes
        assert action.new_status in state.statuses or action.new_status == 0
    for outcome in state.outcomes.values():
        assert outcome.newstatus in state.statuses or outcome.newstatus == 0
        assert all(t in state.tickettypes for t in outcome.tickettype_ids)
    for tickettype in state.tickettypes.values():
        assert tickettype.initial_status in state.statuses


def test_renumbering_keeps_the_meaning_of_each_record() -> None:
    plain, renumbered = SandboxState(), SandboxState(SandboxConfig(renumbered_ids=True))
    for ticket_id, ticket in plain.tickets.items():
        other = renumbered.tickets[ticket_id]
        assert renumbered.statuses[other.status_id].name == plain.statuses[ticket.status_id].name
        assert (
            renumbered.tickettypes[other.tickettype_id].name
            == plain.tickettypes[ticket.tickettype_id].name
        )
