"""Settings from the environment: defaults, normalisation, and errors that name the variable."""

import pytest

from halopsa_mcp.config import ConfigError, HaloSettings

SECRET = "s3cr3t-value-never-shown"
BASE = {
    "HALOPSA_URL": "https://acme.halopsa.com",
    "HALOPSA_CLIENT_ID": "abc",
    "HALOPSA_CLIENT_SECRET": SECRET,
}


def test_minimal_environment_gets_documented_defaults() -> None:
    s = HaloSettings.from_env(BASE)
    assert s.api_url == "https://acme.halopsa.com/api"
    assert s.token_url == "https://acme.halopsa.com/auth/token"
    assert (s.scope, s.tenant, s.auth_url) == ("all", None, None)
    assert (s.timeout, s.connect_timeout, s.max_retries) == (30.0, 10.0, 3)
    # Paced at hosted HaloPSA's quota, and a spent budget is told at once, not waited out.
    assert (s.rate_limit_requests, s.rate_limit_window) == (300, 300.0)
    assert s.max_rate_limit_wait == 5.0


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.halopsa.com/",
        "https://acme.halopsa.com/api",
        " https://acme.halopsa.com/API/ ",
    ],
)
def test_resource_server_url_is_accepted_as_base(url: str) -> None:
    assert HaloSettings.from_env({**BASE, "HALOPSA_URL": url}).url.lower() == (
        "https://acme.halopsa.com"
    )


def test_separate_auth_host_and_tenant() -> None:
    s = HaloSettings.from_env(
        {**BASE, "HALOPSA_AUTH_URL": "https://auth.example.com/auth/", "HALOPSA_TENANT": "acme"}
    )
    assert s.token_url == "https://auth.example.com/auth/token"
    assert s.tenant == "acme"


def test_pasted_token_url_and_padded_tenant_are_tidied() -> None:
    s = HaloSettings.from_env(
        {
            **BASE,
            "HALOPSA_AUTH_URL": "https://acme.halopsa.com/auth/token",
            "HALOPSA_TENANT": " acme ",
        }
    )
    assert s.token_url == "https://acme.halopsa.com/auth/token"
    assert s.tenant == "acme"


def test_empty_values_count_as_unset() -> None:
    s = HaloSettings.from_env({**BASE, "HALOPSA_TENANT": "", "HALOPSA_SCOPE": "  "})
    assert s.tenant is None
    assert s.scope == "all"


def test_missing_variables_are_all_named_with_what_to_set() -> None:
    with pytest.raises(ConfigError) as err:
        HaloSettings.from_env({})
    text = str(err.value)
    for name in ("HALOPSA_URL", "HALOPSA_CLIENT_ID", "HALOPSA_CLIENT_SECRET"):
        assert f"{name} is not set" in text
    assert "https://" in text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HALOPSA_URL", "acme.halopsa.com"),
        ("HALOPSA_URL", "ftp://acme.halopsa.com"),
        ("HALOPSA_URL", "https://acme.halopsa.com/?x=1"),
        ("HALOPSA_URL", "https://user:pw@acme.halopsa.com"),
        ("HALOPSA_AUTH_URL", "not a url"),
        ("HALOPSA_TIMEOUT", "soon"),
        ("HALOPSA_TIMEOUT", "0"),
        ("HALOPSA_MAX_RETRIES", "-1"),
        ("HALOPSA_RATE_LIMIT", "many"),
        ("HALOPSA_CLIENT_ID", "   "),
    ],
)
def test_invalid_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        HaloSettings.from_env({**BASE, name: value})
    assert name in str(err.value)
    assert SECRET not in str(err.value)


def test_secret_never_appears_in_repr_str_or_errors() -> None:
    s = HaloSettings.from_env(BASE)
    assert SECRET not in repr(s)
    assert SECRET not in str(s)
    assert SECRET not in s.model_dump_json()
    assert s.client_secret.get_secret_value() == SECRET
    with pytest.raises(ConfigError) as err:
        HaloSettings.from_env({**BASE, "HALOPSA_URL": "bad", "HALOPSA_TIMEOUT": SECRET})
    assert "HALOPSA_TIMEOUT" in str(err.value)


def test_the_http_token_is_stripped_and_never_shown() -> None:
    from halopsa_mcp.config import HttpSettings

    http = HttpSettings.from_env({"HALOPSA_MCP_TOKEN": "  abcdefghijklmnopqrstuvwxyz\n"})
    assert http.bearer_token() is not None
    assert http.bearer_token().get_secret_value() == "abcdefghijklmnopqrstuvwxyz"  # type: ignore[union-attr]
    assert "abcdefghijklmnop" not in repr(http)
