"""The role each status plays is decided once, from the instance's names and, failing
those, the ticket skill's documented IDs."""

from dataclasses import replace

import pytest

from halopsa_mcp.client.statuses import with_roles
from halopsa_mcp.domain.records import Status
from halopsa_mcp.rules.catalog import Catalog
from tests.rules.catalogs import DEFAULT, REMAPPED, ROLELESS, UNNAMED


def bare(statuses: tuple[Status, ...]) -> tuple[Status, ...]:
    return tuple(replace(s, role=None, closes=False) for s in statuses)


@pytest.mark.parametrize(
    "catalog",
    [DEFAULT, REMAPPED, UNNAMED, ROLELESS],
    ids=["default", "remapped", "unnamed", "roleless"],
)
def test_roles_as_the_rules_tests_write_them(catalog: Catalog) -> None:
    # Names win (REMAPPED: 9 "Awaiting Parts" is not Closed, 1 "Triage" is not New); with
    # no names the documented IDs (UNNAMED); any status named like a closing one closes.
    assert with_roles(bare(catalog.statuses)) == catalog.statuses


@pytest.mark.parametrize(
    ("names", "in_progress"),
    [
        (["IN PROGRESS"], 100),
        (["  in   progress "], 100),
        (["InProgress"], 100),
        (["In Progress - Escalated"], None),
        (["Progress"], None),
    ],
)
def test_role_names_ignore_case_and_spaces(names: list[str], in_progress: int | None) -> None:
    statuses = with_roles([Status(100 + i, name) for i, name in enumerate(names)])
    assert next((s.id for s in statuses if s.role == "in_progress"), None) == in_progress


@pytest.mark.parametrize(
    ("name", "closing"),
    [
        ("Closed - Duplicate", True),
        ("Resolved - awaiting confirmation", True),
        ("Auto-closed", True),
        ("CLOSED (no response)", True),
        ("Unresolved Queries", False),
        ("Enclosed Documents", False),
        ("Closure Pending", False),
    ],
)
def test_closing_by_word(name: str, closing: bool) -> None:
    (status,) = with_roles([Status(50, name)])
    assert status.closes is closing
    assert status.role is None


def test_a_renamed_documented_id_plays_no_role() -> None:
    # ID 8 exists but a status named Resolved sits elsewhere: 8 is only "Scheduled".
    statuses = with_roles([Status(8, "Scheduled"), Status(40, "Resolved")])
    assert statuses == (
        Status(8, "Scheduled"),
        Status(40, "Resolved", role="resolved", closes=True),
    )


def test_one_status_keeps_the_first_role_it_is_found_for() -> None:
    # No status is named Resolved, so the documented ID 8 plays it; 8 is also named
    # Closed. One status has one role: the first found, as list_statuses always showed.
    (status,) = with_roles([Status(8, "Closed")])
    assert (status.role, status.closes) == ("resolved", True)
