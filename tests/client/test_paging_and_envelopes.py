"""Page planning and answer-shape normalisation (pure functions)."""

import pytest

from halopsa_mcp.client.api import PagePlan, plan_pages
from halopsa_mcp.client.envelopes import record_count, records, single
from halopsa_mcp.client.errors import HaloResponseError


@pytest.mark.parametrize(
    ("offset", "limit", "plan"),
    [
        (0, 5, PagePlan(5, 1, 0)),
        (10, 5, PagePlan(5, 3, 0)),
        (0, 100, PagePlan(100, 1, 0)),
        (0, 250, PagePlan(100, 1, 0)),
        (7, 5, PagePlan(100, 1, 7)),
        (250, 30, PagePlan(100, 3, 50)),
    ],
)
def test_plan_pages(offset: int, limit: int, plan: PagePlan) -> None:
    assert plan_pages(offset, limit) == plan


@pytest.mark.parametrize(("offset", "limit"), [(-1, 5), (0, 0)])
def test_plan_pages_rejects_nonsense(offset: int, limit: int) -> None:
    with pytest.raises(ValueError, match="offset"):
        plan_pages(offset, limit)


def test_records_accepts_bare_wrapped_and_single() -> None:
    rows = [{"id": 1}, {"id": 2}]
    assert records(rows, "tickets") == rows
    assert records({"record_count": 9, "tickets": rows}, "tickets") == rows
    assert records({"id": 3, "summary": "x"}, "tickets") == [{"id": 3, "summary": "x"}]


@pytest.mark.parametrize("body", [None, "text", {"other": []}, [1, 2], {"tickets": "x"}])
def test_records_rejects_unknown_shapes(body: object) -> None:
    with pytest.raises(HaloResponseError, match="tickets"):
        records(body, "tickets")


def test_record_count_is_the_servers_total_or_unknown() -> None:
    assert record_count({"record_count": 120, "tickets": [{}]}) == 120
    assert record_count([{}, {}]) is None
    assert record_count({"record_count": "lots"}) is None
    assert record_count({"record_count": True}) is None


def test_single_unwraps_one_record() -> None:
    assert single({"id": 5}, "tickets") == {"id": 5}
    assert single([{"id": 5}], "tickets") == {"id": 5}
    assert single({"tickets": [{"id": 5}]}, "tickets") == {"id": 5}
    with pytest.raises(HaloResponseError, match="one record"):
        single([{"id": 5}, {"id": 6}], "tickets")
