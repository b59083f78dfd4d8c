import itertools

import pytest

from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.transitions import check_transition
from halopsa_mcp.rules.verdict import Verdict
from tests.rules.catalogs import CHANGE, CHANGE_APPROVED, DEFAULT, INCIDENT, REMAPPED, UNNAMED

# The skill's rules on its default statuses, for a ticket with neither a resolution nor an
# agent. Rows: the current status ("-" = the ticket is being created); columns: the target.
#   R  error: the target closes the ticket and needs a resolution
#   S  warning: closing without an In Progress step
#   A  warning: In Progress with no agent
#   O  warning: a closed ticket is being reopened
#   .  nothing to say
EXPECTED = """
        1    2    3    4    5    6    8    9
   -    .    A    .    .    .    .    RS   RS
   1    .    A    .    .    .    .    RS   RS
   2    .    .    .    .    .    .    R    R
   3    .    A    .    .    .    .    R    R
   4    .    A    .    .    .    .    R    R
   5    .    A    .    .    .    .    R    R
   6    .    A    .    .    .    .    R    R
   8    O    AO   O    O    O    O    .    R
   9    O    AO   O    O    O    O    R    .
"""


def _table() -> dict[tuple[int | None, int], str]:
    header, *rows = EXPECTED.strip().splitlines()
    targets = [int(t) for t in header.split()]
    table: dict[tuple[int | None, int], str] = {}
    for row in rows:
        current, *cells = row.split()
        for target, cell in zip(targets, cells, strict=True):
            table[None if current == "-" else int(current), target] = cell.strip(".")
    return table


TABLE = _table()


def codes(verdict: Verdict) -> set[str]:
    """The verdict's problems as the table's letters."""
    found = {"R" for e in verdict.errors if "needs a resolution" in e.message}
    assert len(found) == len(verdict.errors), verdict.errors
    signs = {"without an In Progress step": "S", "no agent": "A", "reopened": "O"}
    for warning in verdict.warnings:
        (letter,) = [code for text, code in signs.items() if text in warning]
        found.add(letter)
    return found


def test_table_covers_every_pair() -> None:
    assert len(TABLE) == 9 * 8


@pytest.mark.parametrize(
    ("current", "target", "has_resolution", "has_agent"),
    [
        (current, target, resolution, agent)
        for (current, target), resolution, agent in itertools.product(
            TABLE, [False, True], [False, True]
        )
    ],
)
def test_default_statuses(
    current: int | None, target: int, has_resolution: bool, has_agent: bool
) -> None:
    expected = set(TABLE[current, target])
    if has_resolution:
        expected.discard("R")
    if has_agent:
        expected.discard("A")
    verdict = check_transition(
        current,
        target,
        ticket_type_id=INCIDENT,
        has_resolution=has_resolution,
        has_agent=has_agent,
        catalog=DEFAULT,
    )
    assert codes(verdict) == expected
    assert verdict.ok is ("R" not in expected)
    assert all(e.field == "status_id" and "resolution" in e.fix for e in verdict.errors)


@pytest.mark.parametrize(
    ("catalog", "current", "target", "expected"),
    [
        (REMAPPED, 11, 18, "RS"),
        (REMAPPED, 11, 20, "RS"),
        (REMAPPED, None, 21, "RS"),
        (REMAPPED, 12, 19, "R"),
        (REMAPPED, 12, 20, "R"),
        (REMAPPED, 1, 12, "A"),
        (REMAPPED, 19, 12, "AO"),
        (REMAPPED, 20, 13, "O"),
        (REMAPPED, 21, 18, "R"),
        # 9 and 2 are documented IDs, but here they are ordinary statuses.
        (REMAPPED, 12, 9, ""),
        (REMAPPED, 9, 2, ""),
        (REMAPPED, 1, 18, "R"),
        (REMAPPED, 12, 22, ""),
        (UNNAMED, 1, 8, "RS"),
        (UNNAMED, 1, 10, "RS"),
        (UNNAMED, 5, 9, "R"),
        (UNNAMED, 10, 2, "AO"),
        (UNNAMED, 8, 5, "O"),
    ],
)
def test_roles_from_names_then_ids(
    catalog: Catalog, current: int | None, target: int, expected: str
) -> None:
    verdict = check_transition(
        current,
        target,
        ticket_type_id=INCIDENT,
        has_resolution=False,
        has_agent=False,
        catalog=catalog,
    )
    assert codes(verdict) == set(expected)


def test_unknown_status_lists_the_statuses_for_the_type() -> None:
    verdict = check_transition(
        1, 77, ticket_type_id=INCIDENT, has_resolution=True, has_agent=True, catalog=DEFAULT
    )
    (error,) = verdict.errors
    assert (error.field, error.message) == ("status_id", "status 77 does not exist")
    assert error.fix == (
        "use one of: 1 New, 2 In Progress, 3 Pending, 4 On Hold, 5 Waiting on Client, "
        "6 Waiting on Third Party, 8 Resolved, 9 Closed"
    )
    assert verdict.warnings == ()


def test_unknown_status_without_a_type_lists_every_status() -> None:
    verdict = check_transition(
        None, 77, ticket_type_id=None, has_resolution=True, has_agent=True, catalog=DEFAULT
    )
    assert verdict.errors[0].fix.endswith("9 Closed, 23 Change Approved")


def test_status_not_used_by_the_type() -> None:
    verdict = check_transition(
        2,
        CHANGE_APPROVED,
        ticket_type_id=INCIDENT,
        has_resolution=True,
        has_agent=True,
        catalog=DEFAULT,
        field="new_status_id",
    )
    (error,) = verdict.errors
    assert error.field == "new_status_id"
    assert error.message == "status 23 Change Approved is not used by ticket type 1 Incident"
    assert "23" not in error.fix
    assert error.fix.startswith("use one of: 1 New, 2 In Progress")


@pytest.mark.parametrize("type_id", [CHANGE, None])
def test_status_restricted_to_a_type_fits_that_type(type_id: int | None) -> None:
    verdict = check_transition(
        2,
        CHANGE_APPROVED,
        ticket_type_id=type_id,
        has_resolution=False,
        has_agent=True,
        catalog=DEFAULT,
    )
    assert verdict == Verdict()


@pytest.mark.parametrize(
    ("field", "fix"),
    [
        ("status_id", "pass resolution with what was done to fix the problem"),
        ("new_status_id", "write the resolution (what fixed the problem) in the action's note"),
        ("outcome_id", "write the resolution (what fixed the problem) in the action's note"),
    ],
)
def test_resolution_fix_names_the_argument_to_use(field: str, fix: str) -> None:
    verdict = check_transition(
        2,
        8,
        ticket_type_id=INCIDENT,
        has_resolution=False,
        has_agent=True,
        catalog=DEFAULT,
        field=field,
    )
    (error,) = verdict.errors
    assert (error.field, error.fix) == (field, fix)
    assert (
        error.message == "status 8 Resolved closes the ticket and needs a resolution (closure note)"
    )


def test_same_status_is_silent_even_when_unknown() -> None:
    verdict = check_transition(
        77, 77, ticket_type_id=INCIDENT, has_resolution=False, has_agent=False, catalog=DEFAULT
    )
    assert verdict == Verdict()
