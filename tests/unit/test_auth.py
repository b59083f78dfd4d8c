"""The token request, the token answer, and what a refusal points at."""

import pytest

from halopsa_mcp.client.auth import Token, parse_token, refusal_hint, token_request
from halopsa_mcp.config import HaloSettings

SECRET = "client-secret-value"


def settings(**env: str) -> HaloSettings:
    return HaloSettings.from_env(
        {
            "HALOPSA_URL": "https://acme.halopsa.com",
            "HALOPSA_CLIENT_ID": "id",
            "HALOPSA_CLIENT_SECRET": SECRET,
            **env,
        }
    )


def test_token_request_carries_tenant_in_query_and_form() -> None:
    req = token_request(settings(HALOPSA_TENANT="acme", HALOPSA_SCOPE="read:tickets"))
    assert req.url == "https://acme.halopsa.com/auth/token"
    assert req.params == {"tenant": "acme"}
    assert req.form["tenant"] == "acme"
    assert req.form["grant_type"] == "client_credentials"
    assert req.form["scope"] == "read:tickets"


def test_no_tenant_no_tenant_parameter() -> None:
    req = token_request(settings())
    assert req.params == {}
    assert "tenant" not in req.form


def test_secrets_stay_out_of_reprs() -> None:
    assert SECRET not in repr(token_request(settings()))
    assert "tok-value" not in repr(Token(value="tok-value", expires_in=60))


@pytest.mark.parametrize(
    ("body", "expires_in"),
    [
        ({"access_token": "a", "expires_in": 120}, 120.0),
        ({"access_token": "a", "expires_in": "90"}, 90.0),
        ({"access_token": "a"}, 3600.0),
        ({"access_token": "a", "expires_in": "soon"}, 3600.0),
        ({"access_token": "a", "expires_in": -5}, 3600.0),
        ({"access_token": "a", "expires_in": "nan"}, 3600.0),
    ],
)
def test_parse_token(body: dict[str, object], expires_in: float) -> None:
    assert parse_token(body) == Token(value="a", expires_in=expires_in)


@pytest.mark.parametrize("body", [None, [], {"token": "a"}, {"access_token": 5}])
def test_parse_token_rejects_answers_without_a_token(body: object) -> None:
    with pytest.raises(ValueError, match="access_token"):
        parse_token(body)


@pytest.mark.parametrize(
    ("error", "setting"),
    [
        ("invalid_scope: unknown scope", "HALOPSA_SCOPE"),
        ("invalid_client: bad secret", "HALOPSA_CLIENT_SECRET"),
        ("unauthorized_client", "HALOPSA_CLIENT_ID"),
        ("invalid_request: what", "HALOPSA_TENANT"),
    ],
)
def test_refusal_hint_points_at_the_setting(error: str, setting: str) -> None:
    assert setting in refusal_hint(error)
