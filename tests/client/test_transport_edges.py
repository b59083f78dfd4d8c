"""Answers the sandbox cannot produce (corrupt encodings, absurd JSON, redirects), fed to
the real transport through httpx's MockTransport seam."""

from collections.abc import Callable

import anyio
import httpx
import pytest

from halopsa_mcp.client import (
    HaloClient,
    HaloConnectionError,
    HaloError,
    HaloResponseError,
    RetryPolicy,
)
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.domain.writes import TicketWrite

FAST = RetryPolicy(max_retries=2, backoff_base=0.001, backoff_cap=0.002)
SETTINGS = HaloSettings.from_env(
    {
        "HALOPSA_URL": "https://acme.halopsa.com",
        "HALOPSA_CLIENT_ID": "id",
        "HALOPSA_CLIENT_SECRET": "secret",
    }
)


def halo_answering(
    api: Callable[[httpx.Request], httpx.Response],
) -> tuple[HaloClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        seen.append(request)
        return api(request)

    return HaloClient(SETTINGS, policy=FAST, transport=httpx.MockTransport(handler)), seen


def corrupt_gzip(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"not gzip", headers={"content-encoding": "gzip"})


def deep_json(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)


def redirect(_: httpx.Request) -> httpx.Response:
    return httpx.Response(302, headers={"location": "https://login.example.com/"})


@pytest.mark.parametrize("answer", [corrupt_gzip, deep_json])
async def test_undecodable_reads_are_retried_then_typed(
    answer: Callable[[httpx.Request], httpx.Response],
) -> None:
    halo, seen = halo_answering(answer)
    async with halo:
        with pytest.raises(HaloResponseError) as err:
            await halo.list_statuses()
    assert len(seen) == FAST.max_retries + 1
    assert not err.value.may_have_applied


@pytest.mark.parametrize("answer", [corrupt_gzip, deep_json])
async def test_undecodable_write_answers_are_not_replayed(
    answer: Callable[[httpx.Request], httpx.Response],
) -> None:
    halo, seen = halo_answering(answer)
    async with halo:
        with pytest.raises(HaloResponseError) as err:
            await halo.create_ticket(TicketWrite(summary="s", client_id=1))
    assert len(seen) == 1
    assert err.value.may_have_applied


async def test_a_redirect_names_the_url_setting_and_is_not_retried() -> None:
    halo, seen = halo_answering(redirect)
    async with halo:
        with pytest.raises(HaloError, match="HALOPSA_URL") as err:
            await halo.list_statuses()
    assert err.value.status == 302
    assert len(seen) == 1


async def test_paging_goes_on_when_the_server_gives_no_count() -> None:
    rows = [{"id": i} for i in range(1, 131)]

    def pages(request: httpx.Request) -> httpx.Response:
        size = int(request.url.params["page_size"])
        number = int(request.url.params["page_no"])
        return httpx.Response(200, json={"tickets": rows[(number - 1) * size : number * size]})

    halo, seen = halo_answering(pages)
    async with halo:
        page = await halo.list_tickets(limit=120)
    assert [t.id for t in page.items] == list(range(1, 121))
    assert len(seen) == 2
    assert page.has_more


async def test_an_answer_that_trickles_in_is_cut_off_by_the_whole_request_deadline() -> None:
    class Trickle(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            while True:
                await anyio.sleep(0.05)  # each chunk arrives well within the read timeout
                yield b" "

    settings = HaloSettings.from_env(
        {
            "HALOPSA_URL": "https://acme.halopsa.com",
            "HALOPSA_CLIENT_ID": "id",
            "HALOPSA_CLIENT_SECRET": "secret",
            "HALOPSA_TIMEOUT": "0.3",
            "HALOPSA_CONNECT_TIMEOUT": "0.1",
        }
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, stream=Trickle())

    policy = RetryPolicy(max_retries=0)
    async with HaloClient(settings, policy=policy, transport=httpx.MockTransport(handler)) as halo:
        with anyio.fail_after(5), pytest.raises(HaloConnectionError, match="did not answer"):
            await halo.list_statuses()
