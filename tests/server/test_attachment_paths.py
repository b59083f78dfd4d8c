"""Paths that must not become attachments: FIFOs, hard links, relative paths."""

import os
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    return allowed, outside


async def upload(make_server: Make, allowed: Path, path: str) -> str:
    async with Client(make_server(HALOPSA_ATTACHMENT_DIRS=str(allowed))) as c:
        with anyio.fail_after(10):  # a FIFO must not hang the call
            return refusal(
                await c.call_tool("upload_attachment", {"ticket_id": 1001, "path": path})
            )


async def test_a_fifo_is_refused_without_waiting_for_a_writer(
    sandbox: SandboxServer, make_server: Make, folders: tuple[Path, Path]
) -> None:
    allowed, _ = folders
    fifo = allowed / "pipe"
    os.mkfifo(fifo)
    before = records(sandbox)
    text = await upload(make_server, allowed, str(fifo))
    assert "not a readable file" in text
    assert records(sandbox) == before


async def test_a_hard_link_to_a_file_outside_is_refused(
    sandbox: SandboxServer, make_server: Make, folders: tuple[Path, Path]
) -> None:
    allowed, outside = folders
    secret = outside / "secret.txt"
    secret.write_text("not for tickets")
    os.link(secret, allowed / "innocent.txt")
    text = await upload(make_server, allowed, str(allowed / "innocent.txt"))
    assert "not a readable file" in text
    assert writes(sandbox) == []


@pytest.mark.parametrize("path", ["report.txt", "./report.txt", "~/report.txt", "allowed/x\x00"])
async def test_relative_paths_are_refused(
    sandbox: SandboxServer, make_server: Make, folders: tuple[Path, Path], path: str
) -> None:
    allowed, _ = folders
    (allowed / "report.txt").write_text("x")
    text = await upload(make_server, allowed, path)
    assert "- path:" in text
    assert writes(sandbox) == []


async def test_a_regular_file_inside_still_uploads(
    sandbox: SandboxServer, make_server: Make, folders: tuple[Path, Path]
) -> None:
    allowed, _ = folders
    (allowed / "log.txt").write_bytes(b"ok\n")
    async with Client(make_server(HALOPSA_ATTACHMENT_DIRS=str(allowed))) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment", {"ticket_id": 1001, "path": str(allowed / "log.txt")}
            )
        )
    assert sandbox.state.attachments[saved["attachment"]["id"]].data == b"ok\n"
