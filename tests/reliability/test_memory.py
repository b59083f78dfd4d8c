"""Memory under large uploads: the server's peak stays bounded however many arrive.

Each test runs the installed command as its own process against the sandbox (which runs
here, so the files it stores do not count) and reads the server's high-water resident
set size (VmHWM) from /proc. The bounds are generous; the figures go to the reliability
report (RELIABILITY_REPORT=1).
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import anyio
import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer
from tests.helpers import INITIALIZE, INITIALIZED, command_env
from tests.reliability.processes import COMMAND, http_server, peak_rss_mb
from tests.reliability.report import FIGURES

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")

MIB = 1024 * 1024
UPLOADS = 30
HEADERS = {
    "accept": "application/json, text/event-stream",
    "content-type": "application/json",
    "mcp-protocol-version": "2025-06-18",
}


def _call(request_id: int, arguments: dict[str, object]) -> dict[str, object]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": "upload_attachment", "arguments": arguments},
    }


def _upload_body(size: int) -> bytes:
    content = base64.b64encode(b"\x5a" * size).decode()
    arguments = {"ticket_id": 1001, "filename": "big.bin", "content_base64": content}
    return json.dumps(_call(7, arguments)).encode()


async def test_thirty_concurrent_10_mib_uploads_over_http_stay_bounded(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    body = _upload_body(10 * MIB)
    answers: list[httpx.Response] = []
    async with http_server(sandbox, tmp_path / "stderr.txt", "--stateless") as (process, url):
        baseline = peak_rss_mb(process.pid)

        async def upload(raw: httpx.AsyncClient) -> None:
            answers.append(await raw.post(f"{url}/mcp", content=body, headers=HEADERS))

        async with httpx.AsyncClient(timeout=300) as raw, anyio.create_task_group() as tg:
            for _ in range(UPLOADS):
                tg.start_soon(upload, raw)
        peak = peak_rss_mb(process.pid)
    FIGURES["30 x 10 MiB uploads over HTTP: server peak RSS"] = (
        f"{peak:.0f} MB (idle {baseline:.0f} MB)"
    )
    assert [a.status_code for a in answers] == [200] * UPLOADS
    results = [a.json()["result"] for a in answers]
    assert not [r for r in results if r.get("isError")], results[0]
    assert len(sandbox.state.attachments) >= UPLOADS
    # Today: 1.9 GB. Four large bodies at a time, each kept in one or two copies.
    assert peak < 600, f"peak RSS {peak:.0f} MB"


async def _read_line(stream: anyio.abc.ByteReceiveStream, buffer: bytearray) -> dict[str, object]:
    while b"\n" not in buffer:
        buffer.extend(await stream.receive())
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return json.loads(line)  # type: ignore[no-any-return]


async def test_a_100_mb_base64_argument_over_stdio_is_refused_with_a_bounded_peak(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    content = "A" * (100 * 1000 * 1000)
    call = _call(2, {"ticket_id": 1001, "filename": "huge.bin", "content_base64": content})
    lines = b"".join(json.dumps(m).encode() + b"\n" for m in (INITIALIZE, INITIALIZED, call))
    del content, call
    with (tmp_path / "stderr.txt").open("w") as errlog:
        process = await anyio.open_process(
            [COMMAND], env=command_env(sandbox), stderr=errlog, stdout=subprocess.PIPE
        )
    buffer = bytearray()
    try:
        assert process.stdin is not None
        assert process.stdout is not None
        with anyio.fail_after(120):
            await process.stdin.send(lines)
            del lines
            assert "result" in await _read_line(process.stdout, buffer)
            answer = await _read_line(process.stdout, buffer)
        peak = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        with anyio.fail_after(20):
            await process.wait()
    FIGURES["100 MB base64 argument over stdio: server peak RSS"] = f"{peak:.0f} MB"
    # Answered to its own request, as a protocol error: the line is too long to be read,
    # so no tool ever sees it.
    assert answer["id"] == 2
    error = answer["error"]
    assert isinstance(error, dict)
    assert "Request too large" in error["message"]
    assert "HALOPSA_MAX_ATTACHMENT_MB" in error["message"]
    assert not sandbox.state.attachments or all(
        a.filename != "huge.bin" for a in sandbox.state.attachments.values()
    )
    # The line is dropped as it arrives; only the read limit (about 14 MB here) is held.
    assert peak < 200, f"peak RSS {peak:.0f} MB"
