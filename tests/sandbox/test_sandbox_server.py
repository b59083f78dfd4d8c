"""Serving: the background-thread server for tests, and run() for the CLI."""

import re
import signal
import subprocess
import sys

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

RUN = (
    "from halopsa_mcp.sandbox import SandboxConfig, run\n"
    "run('127.0.0.1', 0, SandboxConfig(client_secret='very-secret-value', ticket_count=10))\n"
)


def test_the_server_stops_and_frees_its_port() -> None:
    with SandboxServer(SandboxConfig(ticket_count=5)) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert httpx.post(f"{server.url}/_sandbox/reset").status_code == 204
        assert len(server.state.tickets) == 5
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{server.url}/_sandbox/reset")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_run_stops_quietly_on_a_signal(stop: signal.Signals) -> None:
    with subprocess.Popen(  # noqa: S603 - this interpreter on a fixed script
        [sys.executable, "-c", RUN], stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            rest = _serve_once_then_signal(process, stop)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
    assert "Traceback" not in rest


def _serve_once_then_signal(process: "subprocess.Popen[str]", stop: signal.Signals) -> str:
    """Check the banner and one token request, send the signal; the rest of stderr."""
    assert process.stderr is not None
    banner = process.stderr.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+", banner)
    assert url, banner
    assert "sandbox-client" in banner
    form = {
        "grant_type": "client_credentials",
        "client_id": "sandbox-client",
        "client_secret": "very-secret-value",
    }
    assert httpx.post(f"{url.group()}/auth/token", data=form).status_code == 200
    process.send_signal(stop)
    _, rest = process.communicate(timeout=10)
    assert "very-secret-value" not in banner + rest
    return rest
