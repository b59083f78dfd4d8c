"""``halopsa-mcp check`` as an operator runs it: a real subprocess, one line per check."""

import os
import subprocess
import sys
from pathlib import Path

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.faults import FaultRule
from tests.helpers import reconfigure

from .servers import dead_port, html_site, silent_host

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
SECRET = "sandbox-secret"


def check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own console script
        [COMMAND, "check", *args],
        env={**ENV, "HALOPSA_TIMEOUT": "5", **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert SECRET not in done.stdout + done.stderr
    assert "wrong-secret-value" not in done.stdout + done.stderr
    return done


def against(sandbox: SandboxServer, **env: str) -> dict[str, str]:
    return {
        "HALOPSA_URL": sandbox.url,
        "HALOPSA_CLIENT_ID": "sandbox-client",
        "HALOPSA_CLIENT_SECRET": SECRET,
        **env,
    }


def line(output: str, check_name: str) -> str:
    found = [ln for ln in output.splitlines() if ln[6:].startswith(check_name + " ")]
    assert len(found) == 1, output
    return found[0]


def test_check_on_the_embedded_sandbox_passes_and_prints_its_table() -> None:
    done = check({}, "--sandbox")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("HaloPSA URL", "token", "statuses", "priorities", "ticket types",
                 "outcomes", "agents", "teams", "clients", "users", "ticket search"):  # fmt: skip
        assert line(done.stdout, name).startswith("OK "), done.stdout
    assert "'Private Note' found" in line(done.stdout, "note outcome")
    assert line(done.stdout, "Medium priority").startswith("OK ")
    assert "HALOPSA_RATE_LIMIT" in line(done.stdout, "rate limit")
    assert done.stdout.rstrip().endswith("Every tool can work.")


def test_a_wrong_secret_fails_the_token_and_names_the_credentials(
    sandbox: SandboxServer,
) -> None:
    done = check(against(sandbox, HALOPSA_CLIENT_SECRET="wrong-secret-value"))
    assert done.returncode == 1
    assert line(done.stdout, "HaloPSA URL").startswith("OK ")
    token = line(done.stdout, "token")
    assert token.startswith("FAIL")
    assert "invalid_client" in token
    assert "fix: check HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET" in token
    assert line(done.stdout, "lookups").startswith("SKIP")


def test_a_wrong_tenant_points_at_the_tenant(sandbox: SandboxServer) -> None:
    reconfigure(sandbox, tenant="acme")
    done = check(against(sandbox, HALOPSA_TENANT="acne"))
    assert done.returncode == 1
    assert "fix: check HALOPSA_TENANT" in line(done.stdout, "token")


def test_a_base_url_with_an_extra_path_is_not_halopsa(sandbox: SandboxServer) -> None:
    done = check(against(sandbox, HALOPSA_URL=sandbox.url + "/foo"))
    assert done.returncode == 1
    url = line(done.stdout, "HaloPSA URL")
    assert url.startswith("FAIL")
    assert f"POST {sandbox.url}/foo/auth/token answered 404" in url
    assert "fix: set HALOPSA_URL to the instance's base URL" in url


def test_a_web_server_that_is_not_halopsa_is_named(sandbox: SandboxServer) -> None:
    with html_site() as url:
        done = check(against(sandbox, HALOPSA_URL=url))
    assert done.returncode == 1
    found = line(done.stdout, "HaloPSA URL")
    assert "(HTML, not HaloPSA's JSON)" in found
    assert "fix: set HALOPSA_URL" in found


def test_a_dead_port_says_nothing_answers(sandbox: SandboxServer) -> None:
    done = check(against(sandbox, HALOPSA_URL=f"http://127.0.0.1:{dead_port()}"))
    assert done.returncode == 1
    found = line(done.stdout, "HaloPSA URL")
    assert "could not connect" in found
    assert "fix: check HALOPSA_URL" in found


def test_a_lookup_that_answers_403_fails_with_the_permission_to_grant(
    sandbox: SandboxServer,
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", status=403, times=None, path="/api/Outcome")
    )
    done = check(against(sandbox))
    assert done.returncode == 1
    outcomes = line(done.stdout, "outcomes")
    assert outcomes.startswith("FAIL")
    assert "403" in outcomes
    assert "fix: allow the API application's agent to read outcomes" in outcomes
    assert line(done.stdout, "statuses").startswith("OK ")
    assert line(done.stdout, "note outcome").startswith("SKIP")


def test_agents_forbidden_only_warns_since_every_tool_still_works(
    sandbox: SandboxServer,
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", status=403, times=None, path="/api/Agent")
    )
    done = check(against(sandbox))
    assert done.returncode == 0, done.stdout
    assert line(done.stdout, "agents").startswith("WARN")


def test_a_missing_note_outcome_names_the_one_add_action_falls_back_to(
    sandbox: SandboxServer,
) -> None:
    # add_action finds the private note by its settings, so every tool still works.
    done = check(against(sandbox, HALOPSA_DEFAULT_OUTCOME="Internal Note"))
    assert done.returncode == 0, done.stdout
    found = line(done.stdout, "note outcome")
    assert found.startswith("WARN"), found
    assert "no outcome named 'Internal Note'" in found
    assert "uses 'Private Note'" in found
    assert "fix: set HALOPSA_DEFAULT_OUTCOME='Private Note'" in found


def test_no_private_note_at_all_fails_and_names_the_note_outcomes(
    sandbox: SandboxServer,
) -> None:
    for outcome in sandbox.state.outcomes.values():
        outcome.hidefromuser = False
    done = check(against(sandbox, HALOPSA_DEFAULT_OUTCOME="Internal Note"))
    assert done.returncode == 1
    found = line(done.stdout, "note outcome")
    assert found.startswith("FAIL"), found
    assert "Private Note" in found
    assert "fix: set HALOPSA_DEFAULT_OUTCOME='Private Note'" in found


def test_medium_is_checked_as_create_ticket_chooses_it(sandbox: SandboxServer) -> None:
    # No priority is named Medium: create_ticket falls back to each SLA's middle priority
    # (not to the documented ID 3), and the check says so.
    for row in sandbox.state.priorities:
        row.name = "Normal" if row.name == "Medium" else row.name
    done = check(against(sandbox))
    found = line(done.stdout, "Medium priority")
    assert found.startswith("WARN"), done.stdout
    assert "middle priority" in found


def test_a_host_that_never_answers_is_reported_within_the_call_bound(
    sandbox: SandboxServer,
) -> None:
    with silent_host() as url:
        done = check(
            against(
                sandbox,
                HALOPSA_URL=url,
                HALOPSA_TIMEOUT="1",
                HALOPSA_CONNECT_TIMEOUT="1",
                HALOPSA_CALL_TIMEOUT="2",
            )
        )
    assert done.returncode == 1
    found = line(done.stdout, "HaloPSA URL")
    assert "2s (HALOPSA_CALL_TIMEOUT)" in found
    assert "fix: check HALOPSA_URL" in found
