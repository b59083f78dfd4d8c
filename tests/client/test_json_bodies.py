"""HaloPSA's answers decoded as JSON: by pydantic_core's faster parser, with everything
``json.loads`` read before still read the same, and everything it refused still refused.

A listing is read over real HTTP from the sandbox; bodies the sandbox cannot serve (a
byte-order mark, UTF-16, numbers and nesting at the parsers' limits) are fed to the
real transport through httpx's MockTransport seam.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from halopsa_mcp.client import HaloClient, HaloResponseError, RetryPolicy
from halopsa_mcp.client.transport import HaloTransport
from halopsa_mcp.config import HaloSettings

FAST = RetryPolicy(max_retries=0, backoff_base=0.001, backoff_cap=0.002)
SETTINGS = HaloSettings.from_env(
    {
        "HALOPSA_URL": "https://acme.halopsa.com",
        "HALOPSA_CLIENT_ID": "id",
        "HALOPSA_CLIENT_SECRET": "secret",
    }
)
STATUSES = '[{"id": 1, "name": "Nouveau \u00e9t\u00e9 \U0001f600"}, {"id": 2.0, "x": null}]'


def answering(body: bytes, media: str = "application/json") -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, content=body, headers={"content-type": media})

    return httpx.MockTransport(handler)


async def decoded(body: bytes) -> Any:
    transport = HaloTransport(SETTINGS, policy=FAST, transport=answering(body))
    try:
        return await transport.request("GET", "Status")
    finally:
        await transport.aclose()


async def test_a_page_of_tickets_is_decoded_without_json_loads(
    client: Callable[..., HaloClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """json.loads took twice as long as pydantic_core on a 100-ticket page (issue 12)."""
    calls: list[str] = []
    loads = json.loads

    def counted(*args: Any, **kwargs: Any) -> Any:
        # The sandbox serving in this process reads its requests with json.loads too.
        caller = sys._getframe(1).f_globals["__name__"]
        if not caller.startswith("halopsa_mcp.sandbox"):
            calls.append(caller)
        return loads(*args, **kwargs)

    monkeypatch.setattr(json, "loads", counted)
    async with client() as halo:
        page = await halo.list_tickets(limit=100)
    assert len(page.items) == 100
    assert calls == []


@pytest.mark.parametrize(
    "body",
    [
        # IIS and .NET writers may start UTF-8 with a byte-order mark.
        b"\xef\xbb\xbf" + STATUSES.encode(),
        # json.loads detected UTF-16 and UTF-32 (with or without a mark) from the bytes.
        STATUSES.encode("utf-16"),
        STATUSES.encode("utf-16-le"),
        STATUSES.encode("utf-32"),
        # A .NET string cut inside an emoji: an escaped lone surrogate.
        b'[{"id": 1, "name": "cut \\ud83d"}]',
        b'[{"id": 1, "timetaken": NaN, "x": Infinity, "y": -Infinity}]',
        b'[{"id": ' + b"9" * 4000 + b"}]",
        b'[{"id": 1, "n": 1.' + b"1" * 5000 + b"e-400}]",
        # Deeper than pydantic_core's 200 levels, within json's.
        b"[" * 300 + b"]" * 300,
        b"\r\n  " + STATUSES.encode() + b"\r\n",
    ],
    ids=[
        "utf8-bom",
        "utf16",
        "utf16le-no-bom",
        "utf32",
        "lone-surrogate",
        "nan-infinity",
        "4000-digits",
        "long-fraction",
        "300-deep",
        "blanks-around",
    ],
)
async def test_what_json_loads_read_is_read_the_same(body: bytes) -> None:
    # repr: NaN is not equal to itself, and 1 and 1.0 compare equal.
    assert repr(await decoded(body)) == repr(json.loads(body))


@pytest.mark.parametrize(
    "body",
    [
        b'[{"id": 1, "name": "\xff"}]',
        b'[{"id": ' + b"9" * 5000 + b"}]",
        b"[" * 100_000 + b"]" * 100_000,
        b'[{"id": 1}] trailing',
        b'[{"id": 1, "name": "tab\tinside"}]',
        b"",
        b"\xef\xbb\xbf",
        b"<html>down for maintenance</html>",
    ],
    ids=[
        "not-utf8",
        "5000-digits",
        "100000-deep",
        "trailing-text",
        "control-character",
        "empty",
        "bom-only",
        "markup",
    ],
)
async def test_what_json_loads_refused_is_a_malformed_answer(body: bytes) -> None:
    with pytest.raises(HaloResponseError, match="200 answer is not JSON"):
        await decoded(body)


async def test_an_attachment_record_with_a_byte_order_mark_is_read() -> None:
    record = b'\xef\xbb\xbf{"id": 5, "filename": "a.txt", "data_base64": "aGk="}'
    async with HaloClient(SETTINGS, policy=FAST, transport=answering(record)) as halo:
        assert await halo.attachment_content(5) == ("a.txt", b"hi")
