import pytest

from halopsa_mcp.domain.records import Agent, Outcome, Status
from halopsa_mcp.rules.catalog import Catalog
from tests.rules.catalogs import DEFAULT, REMAPPED, ROLELESS, UNNAMED


@pytest.mark.parametrize(
    ("catalog", "roles", "closing"),
    [
        (DEFAULT, (1, 2, 8, 9), {8, 9}),
        (REMAPPED, (11, 12, 18, 19), {18, 19, 20, 21}),
        (UNNAMED, (1, 2, 8, 9), {8, 9, 10}),
        (ROLELESS, (None, None, None, None), set()),
    ],
    ids=["default", "remapped", "unnamed", "roleless"],
)
def test_roles_are_read_from_the_statuses(
    catalog: Catalog, roles: tuple[int | None, ...], closing: set[int]
) -> None:
    found = tuple(catalog.role(r) for r in ("new", "in_progress", "resolved", "closed"))
    assert found == roles
    assert {s.id for s in catalog.statuses if catalog.closes(s.id)} == closing
    assert not catalog.closes(None)
    assert not catalog.closes(999)


def test_lookups_by_id() -> None:
    assert DEFAULT.status(8) == Status(8, "Resolved", role="resolved", closes=True)
    assert DEFAULT.status(7) is None
    assert DEFAULT.ticket_type(5) == DEFAULT.ticket_types[3]
    assert DEFAULT.ticket_type(4) is None
    assert DEFAULT.outcome(7) == Outcome(7, "Resolve", 8)
    assert DEFAULT.outcome(3) is None
    assert DEFAULT.agent(9) == Agent(9, "Ravi Desai", disabled=True)
    assert DEFAULT.agent(1) is None


@pytest.mark.parametrize(
    ("name", "outcome_id"),
    [("Private Note", 1), ("private note", 1), ("  PRIVATE   note ", 1), ("Private", None)],
)
def test_outcome_named(name: str, outcome_id: int | None) -> None:
    outcome = DEFAULT.outcome_named(name)
    assert (outcome.id if outcome else None) == outcome_id


@pytest.mark.parametrize(
    ("sla_id", "priority_ids"), [(1, [1, 2, 3, 4]), (2, [1, 3]), (3, [4, 5]), (9, [])]
)
def test_priorities_for_leaves_out_hidden(sla_id: int, priority_ids: list[int]) -> None:
    assert [p.priority_id for p in DEFAULT.priorities_for(sla_id)] == priority_ids


@pytest.mark.parametrize(("type_id", "extra"), [(1, []), (2, [23]), (None, [23]), (99, [])])
def test_statuses_for(type_id: int | None, extra: list[int]) -> None:
    assert [s.id for s in DEFAULT.statuses_for(type_id)] == [1, 2, 3, 4, 5, 6, 8, 9, *extra]


@pytest.mark.parametrize(("type_id", "extra"), [(1, []), (2, [10]), (None, [10])])
def test_outcomes_for(type_id: int | None, extra: list[int]) -> None:
    assert [o.id for o in DEFAULT.outcomes_for(type_id)] == [1, 2, 4, 5, 7, 8, *extra]
