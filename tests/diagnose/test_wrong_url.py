"""A wrong HALOPSA_URL is told as such: which URL answered what, and what to set."""

from mcp import Client

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from tests.helpers import FAST, halo_settings
from tests.server.conftest import refusal

from .servers import html_site


async def search_error(settings_url: str, sandbox: SandboxServer) -> str:
    settings = halo_settings(sandbox, HALOPSA_URL=settings_url)
    server = build_server(settings, ServerSettings(), policy=FAST)
    async with Client(server) as c:
        return refusal(await c.call_tool("search_tickets", {"text": "printer"}))


async def test_a_base_url_with_an_extra_path_names_the_url_and_the_setting(
    sandbox: SandboxServer,
) -> None:
    text = await search_error(sandbox.url + "/foo", sandbox)
    assert f"POST {sandbox.url}/foo/auth/token answered 404" in text
    assert "not HaloPSA's JSON" in text
    assert "HALOPSA_URL" in text
    assert "HALOPSA_AUTH_URL" in text
    assert "(plain text, not HaloPSA's JSON)" in text


async def test_a_web_site_that_is_not_halopsa_is_named(sandbox: SandboxServer) -> None:
    with html_site() as url:
        text = await search_error(url, sandbox)
    assert f"POST {url}/auth/token answered 404 (HTML, not HaloPSA's JSON)" in text
    assert "check HALOPSA_URL" in text


async def test_an_api_url_that_answers_web_pages_is_named(sandbox: SandboxServer) -> None:
    # The token comes from the real authorisation server; HALOPSA_URL is a web site.
    with html_site() as url:
        settings = halo_settings(sandbox, HALOPSA_URL=url, HALOPSA_AUTH_URL=sandbox.url + "/auth")
        server = build_server(settings, ServerSettings(warm_up=False), policy=FAST)
        async with Client(server) as c:
            text = refusal(await c.call_tool("search_tickets", {"text": "printer"}))
    assert f"GET {url}/api/" in text
    assert "answered 404 (HTML, not HaloPSA's JSON)" in text
    assert "check HALOPSA_URL" in text
