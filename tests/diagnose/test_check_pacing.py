"""``halopsa-mcp check`` says what pacing is in force and how to change it."""

from halopsa_mcp.sandbox import SandboxServer

from .test_check_command import against, check, line


def test_pacing_is_on_at_the_hosted_quota_by_default(sandbox: SandboxServer) -> None:
    done = check(against(sandbox))
    row = line(done.stdout, "rate limit")
    assert row.startswith("OK "), done.stdout
    assert "pacing at 300 requests per 300s" in row
    assert "set HALOPSA_RATE_LIMIT=0" in row  # how on-premises turns it off


def test_pacing_turned_off_says_so_and_how_to_turn_it_on(sandbox: SandboxServer) -> None:
    done = check(against(sandbox, HALOPSA_RATE_LIMIT="0"))
    row = line(done.stdout, "rate limit")
    assert row.startswith("NOTE"), done.stdout
    assert "pacing off" in row
    assert "on-premises" in row
    assert "300" in done.stdout[done.stdout.index("pacing off") :]
