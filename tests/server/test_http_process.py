"""The installed command in HTTP mode, as a team would deploy it."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import anyio
import httpx

from .conftest import ok
from .test_http import mcp_client

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
TOKEN = "deploy-token-5b7e0c2a9f1d4e36"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_http_mode_serves_with_a_token_file_and_never_logs_the_token(
    tmp_path: Path,
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HALOPSA_MCP_TOKEN_FILE": str(token_file),
        "HALOPSA_LOG_LEVEL": "DEBUG",
    }
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as errlog:
        process = await anyio.open_process(
            [COMMAND, "--sandbox", "--transport", "http", "--port", str(port), "--stateless"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errlog,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as raw:
            for _ in range(200):
                try:
                    if (await raw.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await anyio.sleep(0.05)
            denied = await raw.post(f"{url}/mcp", json={}, headers={"authorization": "Bearer x"})
        async with mcp_client(url, TOKEN) as c:
            statuses = ok(await c.call_tool("list_statuses", {}))
    finally:
        process.terminate()
        with anyio.fail_after(10):
            await process.wait()
    assert denied.status_code == 401
    assert statuses["statuses"]
    logs = stderr.read_text()
    assert '"tool": "list_statuses"' in logs
    assert logs.count(f"serving MCP over HTTP at http://127.0.0.1:{port}/mcp") == 1
    assert TOKEN not in logs


def test_http_mode_refuses_a_public_address_without_a_token() -> None:
    done = subprocess.run(  # noqa: S603 - our own console script
        [COMMAND, "--sandbox", "--transport", "http", "--host", "0.0.0.0"],  # noqa: S104
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "HALOPSA_MCP_TOKEN" in done.stderr


def test_a_busy_port_is_one_clear_line_and_a_failed_exit() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(  # noqa: S603 - our own console script
            [COMMAND, "--sandbox", "--transport", "http", "--port", str(port)],
            env={"PATH": os.environ.get("PATH", "")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "serving MCP over HTTP" not in done.stderr
    told = [line for line in done.stderr.splitlines() if "in use" in line]
    assert len(told) == 1, done.stderr
    assert f"127.0.0.1:{port}" in told[0]
    assert "--port" in told[0]
