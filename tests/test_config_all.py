"""Every configuration problem at once: server, HaloPSA, HTTP and tool-name settings."""

import pytest

from halopsa_mcp.config import ConfigError, load_all

BASE = {
    "HALOPSA_URL": "https://acme.halopsa.com",
    "HALOPSA_CLIENT_ID": "abc",
    "HALOPSA_CLIENT_SECRET": "s3cr3t",
}
TOOLS = frozenset({"search_tickets", "get_ticket", "create_ticket"})


def problems(env: dict[str, str], **kwargs: object) -> str:
    with pytest.raises(ConfigError) as err:
        load_all(env, tool_names=TOOLS, **kwargs)  # type: ignore[arg-type]
    return str(err.value)


def test_a_bad_boolean_does_not_hide_the_other_problems() -> None:
    text = problems(
        {
            **BASE,
            "HALOPSA_READ_ONLY": "maybe",
            "HALOPSA_TIMEOUT": "abc",
            "HALOPSA_TOOLS_DENY": "serch_tickets",
        }
    )
    assert "HALOPSA_READ_ONLY='maybe': must be true or false" in text
    assert "HALOPSA_TIMEOUT='abc'" in text
    assert "serch_tickets" in text
    assert "search_tickets" in text  # the known names are listed


def test_http_problems_come_with_the_others() -> None:
    text = problems({**BASE, "HALOPSA_LOG_LEVEL": "loud", "HALOPSA_MCP_TOKEN": "short"}, http=True)
    assert "HALOPSA_LOG_LEVEL='LOUD': must be one of DEBUG, INFO, WARNING, ERROR" in text
    assert "HALOPSA_MCP_TOKEN must be at least 16 characters" in text
    assert "short" not in text


def test_http_settings_are_ignored_without_http() -> None:
    loaded = load_all({**BASE, "HALOPSA_MCP_TOKEN": "short"}, tool_names=TOOLS)
    assert loaded.http is None
    assert loaded.halo is not None


def test_the_sandbox_needs_no_tenant_settings() -> None:
    loaded = load_all({}, tool_names=TOOLS, halo=False)
    assert loaded.halo is None
    assert loaded.server.read_only is False


def test_a_password_in_the_url_is_never_echoed() -> None:
    text = problems({**BASE, "HALOPSA_URL": "https://user:secretpw@acme.halopsa.com"})
    assert "secretpw" not in text
    assert "HALOPSA_URL" in text
    text = problems({**BASE, "HALOPSA_AUTH_URL": "https://u:secretpw@auth.example.com/x?y=1"})
    assert "secretpw" not in text


def test_unknown_tool_names_are_reported_with_a_missing_variable() -> None:
    text = problems({"HALOPSA_TOOLS_ALLOW": "get_tickt"})
    assert "HALOPSA_URL is not set" in text
    assert "get_tickt" in text
