"""Every client operation against the sandbox: shapes, paging, partial updates."""

import base64
from collections.abc import Callable

import pytest

from halopsa_mcp.client import (
    HaloBadRequest,
    HaloClient,
    HaloForbidden,
    HaloNotFound,
)
from halopsa_mcp.domain.records import (
    Agent,
    Client,
    Outcome,
    Priority,
    Status,
    TicketType,
)
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.domain.writes import ActionWrite, AttachmentWrite, TicketWrite
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.catalog import PRIVATE_NOTE
from tests.helpers import reconfigure, requests_to

TICKETS = "/api/Tickets"


async def test_one_page_is_one_request(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        page = await halo.list_tickets(limit=5)
    assert len(page.items) == 5
    assert page.total == len(sandbox.state.tickets)
    assert page.has_more
    assert requests_to(sandbox, "GET", TICKETS) == [200]
    (request,) = [r for r in sandbox.state.request_log if r.path == TICKETS]
    assert "pageinate=true" in request.query
    assert "page_size=5" in request.query


async def test_paging_walks_only_the_pages_the_limit_needs(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        everything = await halo.list_tickets(limit=1000)
        first_150 = await halo.list_tickets(limit=150)
        window = await halo.list_tickets(limit=30, offset=90)
    total = len(sandbox.state.tickets)
    ids = [t.id for t in everything.items]
    assert len(ids) == total == everything.total
    assert len(set(ids)) == total, "pages overlapped"
    assert not everything.has_more
    assert [t.id for t in first_150.items] == ids[:150]
    assert [t.id for t in window.items] == ids[90:120]
    assert window.offset == 90
    pages_for_all = -(-total // 100)
    assert len(requests_to(sandbox, "GET", TICKETS)) == pages_for_all + 2 + 1


async def test_filters_reach_the_api(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        some = (await halo.list_tickets(limit=1)).items[0]
        mine = await halo.list_tickets(TicketSearch(client_id=some.client_id, open_only=True))
        by_text = await halo.list_tickets(TicketSearch(text=some.summary[:12]))
    assert mine.items
    assert all(t.client_id == some.client_id for t in mine.items)
    assert some.id in {t.id for t in by_text.items}


async def test_get_ticket_and_not_found(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        listed = (await halo.list_tickets(limit=1)).items[0]
        ticket = await halo.get_ticket(listed.id, include_last_action=True)
        with pytest.raises(HaloNotFound) as err:
            await halo.get_ticket(987654)
    assert ticket.id == listed.id
    assert ticket.details
    assert err.value.status == 404
    assert "987654" in str(err.value)


async def test_create_then_partial_update(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        clients = (await halo.list_clients()).items
        created = await halo.create_ticket(
            TicketWrite(summary="Laptop fan is loud", client_id=clients[0].id, details_html="x")
        )
        updated = await halo.update_ticket(created.id, TicketWrite(summary="Laptop fan noise"))
        fetched = await halo.get_ticket(created.id)
    assert isinstance(created.id, int)
    assert updated.id == created.id
    assert fetched.summary == "Laptop fan noise"
    assert fetched.client_id == clients[0].id
    assert fetched.status_id == created.status_id
    (update_body,) = [
        r.body for r in sandbox.state.request_log if r.method == "POST" and r.path == TICKETS
    ][1:]
    assert update_body == [{"id": created.id, "summary": "Laptop fan noise"}]


@pytest.mark.parametrize("answer", ["object", "array", "wrapped"])
async def test_every_shape_of_write_answer_is_understood(
    sandbox: SandboxServer, client: Callable[..., HaloClient], answer: str
) -> None:
    reconfigure(sandbox, write_answer=answer)
    async with client() as halo:
        created = await halo.create_ticket(TicketWrite(summary="Shape check", client_id=12))
        action = await halo.add_action(
            ActionWrite(ticket_id=created.id, outcome_id=PRIVATE_NOTE, note_html="n")
        )
        attachment = await halo.upload_attachment(AttachmentWrite(created.id, "a.txt", "YQ=="))
    assert created.summary == "Shape check"
    assert action.ticket_id == created.id
    assert attachment.filename == "a.txt"


async def test_halo_refusals_become_typed_errors(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    before = len(sandbox.state.tickets)
    async with client() as halo:
        with pytest.raises(HaloBadRequest, match=r"[Cc]lient") as err:
            await halo.create_ticket(TicketWrite(summary="No client given"))
    assert err.value.status == 400
    assert not err.value.may_have_applied
    assert len(sandbox.state.tickets) == before


async def test_read_only_scope_is_forbidden_to_write(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_SCOPE="read:tickets") as halo:
        ticket = (await halo.list_tickets(limit=1)).items[0]
        with pytest.raises(HaloForbidden) as err:
            await halo.update_ticket(ticket.id, TicketWrite(summary="changed"))
    assert err.value.status == 403


async def test_actions_add_and_list(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        ticket = (await halo.list_tickets(TicketSearch(open_only=True), limit=1)).items[0]
        before = await halo.list_actions(ticket.id)
        action = await halo.add_action(
            ActionWrite(
                ticket_id=ticket.id, outcome_id=PRIVATE_NOTE, note_html="Rebooted", hours=0.5
            )
        )
        after = await halo.list_actions(ticket.id)
        with pytest.raises(HaloBadRequest, match="Outcome"):
            await halo.add_action(ActionWrite(ticket_id=ticket.id, note_html="no outcome"))
    assert action.ticket_id == ticket.id
    assert after.total == before.total + 1
    assert action.id in {a.id for a in after.items}


async def test_a_limited_action_list_still_reports_the_total(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    busiest = max(
        {a.ticket_id for a in sandbox.state.actions.values()},
        key=lambda t: sum(1 for a in sandbox.state.actions.values() if a.ticket_id == t),
    )
    async with client() as halo:
        everything = await halo.list_actions(busiest)
        one = await halo.list_actions(busiest, limit=1)
    assert everything.total >= 2
    assert len(one.items) == 1
    assert one.total == everything.total
    assert one.has_more


async def test_attachments_upload_list_and_read_back(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    data = b"line one\nline two\n\x00\xff binary tail"
    async with client() as halo:
        ticket = (await halo.list_tickets(limit=1)).items[0]
        encoded = base64.b64encode(data).decode("ascii")
        saved = await halo.upload_attachment(
            AttachmentWrite(ticket.id, "notes.txt", encoded, description="log")
        )
        listed = await halo.list_attachments(ticket.id)
        content = await halo.attachment_content(saved.id)
    assert saved.filename == "notes.txt"
    assert saved.id in {a.id for a in listed}
    assert content == ("notes.txt", data)
    (body,) = [
        r.body
        for r in sandbox.state.request_log
        if r.path == "/api/Attachment" and r.method == "POST"
    ]
    assert body[0]["data_base64"] == base64.b64encode(data).decode()


@pytest.mark.parametrize("answer", ["file", "record"])
@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ('Année 2026 "final".pdf', b"%PDF-1.7\n\x00\xff"),
        # Markup that looks like a web page: a file, not a wrong HALOPSA_URL.
        ("page.html", b"<!doctype html><html><body>hello</body></html>"),
        ("README", b"no extension, so no known type"),
        # JSON as a download is the file, not HaloPSA's record of it.
        ("export.json", b'{"id": 7, "filename": "other.txt", "data_base64": "eA=="}'),
    ],
)
async def test_one_attachments_content_in_either_answer(
    sandbox: SandboxServer,
    client: Callable[..., HaloClient],
    answer: str,
    filename: str,
    data: bytes,
) -> None:
    """Live HaloPSA answers the file itself; the OpenAPI document describes a JSON record."""
    reconfigure(sandbox, attachment_by_id=answer)
    async with client() as halo:
        ticket = (await halo.list_tickets(limit=1)).items[0]
        encoded = base64.b64encode(data).decode("ascii")
        saved = await halo.upload_attachment(AttachmentWrite(ticket.id, filename, encoded))
        content = await halo.attachment_content(saved.id)
    assert content == (filename, data)


async def test_an_unknown_attachments_content_is_not_found(
    client: Callable[..., HaloClient],
) -> None:
    async with client() as halo:
        with pytest.raises(HaloNotFound):
            await halo.attachment_content(999_999)


async def test_lookups_arrive_as_records(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        statuses = await halo.list_statuses()
        priorities = await halo.list_priorities()
        types = await halo.list_ticket_types()
        outcomes = await halo.list_outcomes()
        agents = await halo.list_agents()
        clients = await halo.list_clients()
        sla_one = await halo.list_priorities(sla_id=priorities[0].sla_id)
    for rows, kind in (
        (statuses, Status),
        (priorities, Priority),
        (types, TicketType),
        (outcomes, Outcome),
        (agents, Agent),
        (clients.items, Client),
    ):
        assert rows
        assert all(isinstance(r, kind) for r in rows)
    assert {s.name for s in statuses} >= {"New", "In Progress", "Resolved", "Closed"}
    roles = {s.role: s.name for s in statuses if s.role}
    assert roles == {
        "new": "New",
        "in_progress": "In Progress",
        "resolved": "Resolved",
        "closed": "Closed",
    }
    assert all(o.name for o in outcomes)
    assert all(t.sla_id for t in types if t.can_create)
    assert {p.sla_id for p in sla_one} == {priorities[0].sla_id}
    assert len(sla_one) < len(priorities)
    assert clients.total == len(clients.items)


async def test_get_client_by_id(sandbox: SandboxServer, client: Callable[..., HaloClient]) -> None:
    async with client() as halo:
        first = (await halo.list_clients(limit=1)).items[0]
        again = await halo.get_client(first.id)
        with pytest.raises(HaloNotFound):
            await halo.get_client(424242)
    assert again == first
