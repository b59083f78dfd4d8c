"""Concurrency: bursts of 50 concurrent tool calls over HTTP against the sandbox.

Our server runs as its own process (``halopsa-mcp --transport http --stateless``), as a
team would run it, so its peak RSS can be read from /proc; the sandbox HaloPSA runs as a
second process, so the load generator here does not steal its interpreter. The floor is
the same burst made directly against the sandbox with httpx: for each call, the HaloPSA
requests our server made for it (read back from the sandbox's request log).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx2
from common import Table, median_ms, percentile_ms
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import MCP_DEFAULT_SSE_READ_TIMEOUT, MCP_DEFAULT_TIMEOUT

CALLS = 50  # per burst
BURSTS = 5  # per mode, interleaved: floor, one client, one client per call
CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret-0123456789"
TOKEN = secrets.token_hex(24)
STARTUP_TIMEOUT = 30.0

Call = tuple[str, dict[str, Any]]
Replay = list[tuple[str, str, str]]  # (method, path, query) per HaloPSA request


@dataclass
class Mode:
    name: str
    latencies: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # process -> CPU seconds
    halo_requests: int = 0  # as logged by the sandbox

    @property
    def calls(self) -> int:
        return len(self.latencies) + self.errors


def halopsa_mcp_command() -> list[str]:
    """The installed ``halopsa-mcp`` command (also used by scale.py)."""
    script = Path(sys.executable).parent / "halopsa-mcp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "halopsa_mcp.cli"]


def free_port() -> int:
    """A loopback port free right now (the process started on it binds it soon after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_process(args: list[str], env: dict[str, str], ready_url: str) -> Iterator[int]:
    """Start a process, wait until ``ready_url`` answers, yield its pid; stop it after."""
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    stderr.seek(0)
                    detail = stderr.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"{args[1:]} did not start:\n{detail}")
                try:
                    if httpx.get(ready_url, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            yield proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _mcp_client(url: str, http: Any) -> Client:
    return Client(streamable_http_client(f"{url}/mcp", http_client=http))


# What create_mcp_http_client builds, but with one TLS context for all clients: building
# one costs ~25 ms of CPU, which 50 clients at once would charge to this load generator
# (on a team each client pays it on its own machine).
_TLS = ssl.create_default_context()


def _http() -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=httpx2.Timeout(MCP_DEFAULT_TIMEOUT, read=MCP_DEFAULT_SSE_READ_TIMEOUT),
        verify=_TLS,
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _burst_calls(ticket_ids: list[int]) -> list[Call]:
    calls: list[Call] = []
    for i in range(CALLS):
        ticket_id = ticket_ids[i % len(ticket_ids)]
        calls.append(
            [
                ("get_ticket", {"ticket_id": ticket_id}),
                ("search_tickets", {"limit": 20}),
                ("list_actions", {"ticket_id": ticket_id}),
                ("list_statuses", {}),
            ][i % 4]
        )
    return calls


def _key(call: Call) -> str:
    return f"{call[0]}{sorted(call[1].items())}"


async def _warm_and_record(mcp_url: str, halo_url: str, calls: list[Call]) -> dict[str, Replay]:
    """Warm our server (token, lookups), then record the HaloPSA requests of each call."""
    replays: dict[str, Replay] = {}
    async with _http() as http, _mcp_client(mcp_url, http) as client, httpx.AsyncClient() as raw:
        for call in calls:
            await client.call_tool(*call)
        for call in calls:
            if _key(call) in replays:
                continue
            await raw.delete(f"{halo_url}/_sandbox/requests")
            result = await client.call_tool(*call)
            if result.is_error:
                raise RuntimeError(f"{call[0]} failed while warming up: {result.content}")
            log = (await raw.get(f"{halo_url}/_sandbox/requests")).json()
            replay = [
                (r["method"], r["path"], r["query"]) for r in log if r["path"] != "/auth/token"
            ]
            # Answered from the lookup cache: a direct caller would still ask HaloPSA.
            replays[_key(call)] = replay or [("GET", "/api/Status", "")]
    return replays


async def _ticket_ids(mcp_url: str) -> list[int]:
    async with _http() as http, _mcp_client(mcp_url, http) as client:
        result = await client.call_tool("search_tickets", {"limit": 25, "open_only": False})
    assert result.structured_content is not None, result.content
    return [row["id"] for row in result.structured_content["tickets"]]


async def _burst(
    mode: Mode, one_call: Callable[[int], Awaitable[bool]], pids: dict[str, int], halo_url: str
) -> None:
    async def timed(i: int) -> None:
        started = time.perf_counter()
        try:
            ok = await one_call(i)
        except Exception:
            ok = False
        if ok:
            mode.latencies.append(time.perf_counter() - started)
        else:
            mode.errors += 1

    cpu = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    cpu["client"] = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(timed(i) for i in range(CALLS)))
    mode.walls.append(time.perf_counter() - started)
    after = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    after["client"] = time.process_time()
    for name, seconds in after.items():
        mode.cpu[name] = mode.cpu.get(name, 0.0) + seconds - cpu[name]
    async with httpx.AsyncClient(base_url=halo_url) as control:
        log = (await control.get("/_sandbox/requests")).json()
        await control.delete("/_sandbox/requests")
    mode.halo_requests += sum(1 for r in log if r["path"].startswith("/api/"))


async def _bursts(mcp_url: str, halo_url: str, pids: dict[str, int]) -> list[Mode]:
    calls = _burst_calls(await _ticket_ids(mcp_url))
    replays = await _warm_and_record(mcp_url, halo_url, calls)
    floor = Mode("direct httpx → sandbox (floor)")
    shared = Mode("ours: 1 MCP client, 50 concurrent calls")
    per_call = Mode("ours: 50 MCP clients, 1 call each")

    async with httpx.AsyncClient(base_url=halo_url) as raw, _http() as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
        form |= {"client_secret": CLIENT_SECRET, "scope": "all"}
        token = (await raw.post("/auth/token", data=form)).json()["access_token"]
        raw.headers["Authorization"] = f"Bearer {token}"

        async def direct(i: int) -> bool:
            for method, path, query in replays[_key(calls[i])]:
                answer = await raw.request(method, f"{path}?{query}" if query else path)
                if answer.status_code != 200:
                    return False
                answer.json()
            return True

        async with _mcp_client(mcp_url, http) as client:

            async def via_shared(i: int) -> bool:
                return not (await client.call_tool(*calls[i])).is_error

            async def via_own_client(i: int) -> bool:
                async with _http() as own_http, _mcp_client(mcp_url, own_http) as own:
                    return not (await own.call_tool(*calls[i])).is_error

            await raw.delete("/_sandbox/requests")
            for _ in range(BURSTS):
                await _burst(floor, direct, pids, halo_url)
                await _burst(shared, via_shared, pids, halo_url)
                await _burst(per_call, via_own_client, pids, halo_url)
    return [floor, shared, per_call]


def _table(modes: list[Mode], rss: dict[str, tuple[float, float]]) -> list[Table]:
    floor = modes[0]
    floor_rate = floor.calls / sum(floor.walls)
    bursts = Table(
        title=f"Concurrency: {BURSTS} bursts of {CALLS} concurrent tool calls over HTTP",
        headers=[
            "caller",
            "calls",
            "wall s",
            "calls/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "HaloPSA req/call",
            "throughput vs floor",
            "p50 vs floor",
            "server CPU ms/call",
            "sandbox CPU ms/call",
            "caller CPU ms/call",
        ],
        note=(
            "Each burst mixes get_ticket, search_tickets (limit 20), list_actions and "
            "list_statuses evenly; the three callers take turns, burst by burst. The "
            "one-client-per-call latency includes each client's connect. The floor makes, "
            "per call, the HaloPSA requests our server made for it (list_statuses, which "
            "our server answers from its lookup cache, costs the floor one GET /api/Status). "
            "CPU per call is each process's user + system time over the bursts (from /proc; "
            "the caller is this load generator): unlike latency, it leaves out time spent "
            "waiting for a core. Server, sandbox and caller share the machine's 2 cores, so "
            "where the caller's CPU dominates (50 MCP clients in one process) latency and "
            "throughput measure the load generator more than the server; server CPU per "
            "call is the capacity figure."
        ),
    )
    for mode in modes:
        rate = mode.calls / sum(mode.walls)
        bursts.rows.append(
            [
                mode.name,
                mode.calls,
                sum(mode.walls),
                rate,
                median_ms(mode.latencies) if mode.latencies else float("nan"),
                percentile_ms(mode.latencies, 99) if mode.latencies else float("nan"),
                mode.errors,
                mode.halo_requests / mode.calls,
                f"{rate / floor_rate:.2f}x",
                f"{median_ms(mode.latencies) / median_ms(floor.latencies):.2f}x",
                "-" if mode is floor else mode.cpu["server"] * 1000 / mode.calls,
                mode.cpu["sandbox"] * 1000 / mode.calls,
                mode.cpu["client"] * 1000 / mode.calls,
            ]
        )
    memory = Table(
        title="Memory of the processes under that load",
        headers=["process", "RSS after first call MB", "peak RSS (VmHWM) MB", "budget", "verdict"],
        note=(
            "Read from /proc/<pid>/status; the peak covers all bursts of all callers. Issue "
            f"12's budget: the server's peak RSS under this load at most {RSS_BUDGET_MB} MB. "
            "The floor is the SDK's one-tool hello-world served the same way (stateless "
            "HTTP) under the same bursts of its own tool, whose calls end at once, so fewer "
            "are in flight together than ours, which wait on HaloPSA."
        ),
    )
    for name, (warm, peak) in rss.items():
        ours = name == "halopsa-mcp (ours)"
        verdict = ("within" if peak <= RSS_BUDGET_MB else "OVER") if ours else "-"
        memory.rows.append([name, warm, peak, f"{RSS_BUDGET_MB} MB" if ours else "-", verdict])
    return [bursts, memory]


RSS_BUDGET_MB = 80

# The SDK's own floor: a one-tool MCPServer served the way ours is (stateless, JSON answers).
HELLO_WORLD_HTTP = """\
import sys

sys.modules["rich"] = None  # on our footing, as in cold_start.py

import uvicorn
from mcp.server import MCPServer
from starlette.responses import JSONResponse

server = MCPServer("hello")


@server.tool()
async def hello(name: str) -> str:
    \"\"\"Say hello.\"\"\"
    return f"Hello, {name}!"


@server.custom_route("/healthz", methods=["GET"])
async def healthz(_):
    return JSONResponse({"status": "ok"})


app = server.streamable_http_app(
    streamable_http_path="/mcp", stateless_http=True, json_response=True, host="127.0.0.1"
)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _hello_world_rss() -> tuple[float, float]:
    """RSS after the first call and peak of the SDK's hello-world under the same bursts
    (one client with 50 calls at once, then 50 clients with one call each)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "hello_http.py"
        script.write_text(HELLO_WORLD_HTTP)
        with serve_process([sys.executable, str(script), str(port)], {}, f"{url}/healthz") as pid:

            async def main() -> float:
                async with httpx2.AsyncClient() as http, _mcp_client(url, http) as client:
                    await client.call_tool("hello", {"name": "bench"})
                    warm = _status_mb(pid, "VmRSS")
                    for _ in range(BURSTS):
                        calls = (client.call_tool("hello", {"name": "bench"}) for _ in range(CALLS))
                        await asyncio.gather(*calls)
                        await asyncio.gather(*(_hello_own_client(url) for _ in range(CALLS)))
                return warm

            warm = asyncio.run(main())
            return warm, _status_mb(pid, "VmHWM")


async def _hello_own_client(url: str) -> None:
    async with httpx2.AsyncClient() as http, _mcp_client(url, http) as client:
        await client.call_tool("hello", {"name": "bench"})


def run() -> list[Table]:
    halo_port, mcp_port = free_port(), free_port()
    halo_url, mcp_url = f"http://127.0.0.1:{halo_port}", f"http://127.0.0.1:{mcp_port}"
    sandbox_args = [
        *halopsa_mcp_command(),
        "sandbox",
        "--port",
        str(halo_port),
        "--rate-limit",
        "0",
    ]
    sandbox_args += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    server_env = {
        "HALOPSA_URL": halo_url,
        "HALOPSA_CLIENT_ID": CLIENT_ID,
        "HALOPSA_CLIENT_SECRET": CLIENT_SECRET,
        "HALOPSA_MCP_TOKEN": TOKEN,
        "HALOPSA_LOG_LEVEL": "WARNING",
        "HALOPSA_RATE_LIMIT": "0",  # load beyond hosted HaloPSA's quota: no pacing
    }
    server_args = [
        *halopsa_mcp_command(),
        "--transport",
        "http",
        "--port",
        str(mcp_port),
        "--stateless",
    ]
    with (
        serve_process(sandbox_args, {}, f"{halo_url}/_sandbox/faults") as halo_pid,
        serve_process(server_args, server_env, f"{mcp_url}/healthz") as mcp_pid,
    ):
        modes_and_warm: dict[str, Any] = {}

        async def main() -> list[Mode]:
            await _ticket_ids(mcp_url)  # first call: token and lookups
            modes_and_warm["server"] = _status_mb(mcp_pid, "VmRSS")
            modes_and_warm["sandbox"] = _status_mb(halo_pid, "VmRSS")
            return await _bursts(mcp_url, halo_url, {"server": mcp_pid, "sandbox": halo_pid})

        modes = asyncio.run(main())
        rss = {
            "halopsa-mcp (ours)": (modes_and_warm["server"], _status_mb(mcp_pid, "VmHWM")),
            "sandbox HaloPSA": (modes_and_warm["sandbox"], _status_mb(halo_pid, "VmHWM")),
        }
    rss["SDK hello-world MCPServer (floor)"] = _hello_world_rss()
    return _table(modes, rss)


if __name__ == "__main__":
    for t in run():
        print(t.render())
        print()
