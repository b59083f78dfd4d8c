"""The installed command run as a real process against a sandbox, and its memory peak."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx
from anyio.abc import Process

from halopsa_mcp.sandbox import SandboxServer
from tests.helpers import command_env

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """The process's high-water resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/<pid>/status")


def current_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/<pid>/status")


@asynccontextmanager
async def http_server(
    sandbox: SandboxServer, stderr: Path, *args: str, **env: str
) -> AsyncIterator[tuple[Process, str]]:
    """``halopsa-mcp --transport http`` on a free port; yields the process and base URL."""
    port = free_port()
    with stderr.open("w") as errlog:
        process = await anyio.open_process(
            [COMMAND, "--transport", "http", "--port", str(port), *args],
            env=command_env(sandbox, **env),
            stdout=subprocess.DEVNULL,
            stderr=errlog,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as raw:
            for _ in range(400):
                try:
                    if (await raw.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await anyio.sleep(0.05)
            else:
                raise AssertionError("server did not start; see its stderr in " + str(stderr))
        yield process, url
    finally:
        process.terminate()
        with anyio.fail_after(20):
            await process.wait()
