"""POST /auth/token: the OAuth client-credentials grant, with Halo's tenant quirk.

OAuth failures answer JSON ({"error", "error_description"}), unlike the API's plain
text. A hosted tenant needs `tenant`, as a query parameter of the token URL or as a
form field; a missing or wrong one has been seen to make live Halo answer 500.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox.access import KNOWN_SCOPES
from halopsa_mcp.sandbox.api import sandbox_state


async def issue_token(request: Request) -> Response:
    state = sandbox_state(request)
    config = state.config
    # Parsed by hand: Starlette's form parser needs python-multipart, a dependency
    # this form-urlencoded body does not justify.
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    if config.tenant is not None:
        tenant = request.query_params.get("tenant") or form.get("tenant") or ""
        if tenant.casefold() != config.tenant.casefold():
            return PlainTextResponse("An error has occurred", 500)
    grant_type = form.get("grant_type")
    if not grant_type:
        return _oauth_error(400, "invalid_request", "grant_type is required")
    if grant_type != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", f"'{grant_type}' is not supported")
    if not (
        secrets.compare_digest(form.get("client_id", ""), config.client_id)
        and secrets.compare_digest(form.get("client_secret", ""), config.client_secret)
    ):
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    scopes = (form.get("scope") or "all").split()
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        return _oauth_error(400, "invalid_scope", f"Unknown scope '{unknown[0]}'")
    return JSONResponse(
        {
            "access_token": state.issue_token(frozenset(scopes)),
            "token_type": "Bearer",
            "expires_in": int(config.token_lifetime),
            "scope": " ".join(scopes),
        }
    )


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status)


ROUTES = [Route("/auth/token", issue_token, methods=["POST"])]
