"""The client's page hook, over real HTTP against the sandbox: how far a paged read has got."""

from collections.abc import Callable

from halopsa_mcp.client import HaloClient
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.sandbox import SandboxServer


async def test_each_page_reports_rows_read_and_rows_expected(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    heard: list[tuple[int, int]] = []

    async def on_page(done: int, expected: int) -> None:
        heard.append((done, expected))

    total = len(sandbox.state.tickets)  # 120 in the seed: two pages of 100
    async with client() as halo:
        everything = await halo.list_tickets(limit=500, on_page=on_page)
        offset = await halo.list_tickets(limit=30, offset=95, on_page=on_page)
        newest = await halo.list_tickets(TicketSearch(order_by="id", descending=True), limit=3)
    assert len(everything.items) == total
    assert heard == [(100, total), (total, total), (5, 25), (25, 25)]
    assert len(offset.items) == 25
    assert [t.id for t in newest.items] == sorted(sandbox.state.tickets, reverse=True)[:3]
