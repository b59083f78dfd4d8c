"""The ``halopsa-mcp`` command line.

``halopsa-mcp``                      MCP over stdio against HALOPSA_URL (as Claude Desktop runs it)
``halopsa-mcp --sandbox``            the same, against a sandbox HaloPSA started in-process
``halopsa-mcp --transport http ...`` MCP over Streamable HTTP, for a team
``halopsa-mcp sandbox``              only the sandbox HaloPSA, over HTTP
"""

from __future__ import annotations

import argparse
import functools
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib.metadata import version
from typing import TYPE_CHECKING, ParamSpec

from halopsa_mcp.config import (
    ConfigError,
    HaloSettings,
    HttpSettings,
    ServerSettings,
    Settings,
    load_all,
)
from halopsa_mcp.logfmt import configure_logging

if TYPE_CHECKING:
    from halopsa_mcp.sandbox import SandboxConfig

log = logging.getLogger("halopsa_mcp")

# 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C.
_EXIT_INTERRUPTED = 130
P = ParamSpec("P")

# Kept as written (RawDescriptionHelpFormatter): one variable a line reads as a table.
_EPILOG = """\
environment (read once at start):
  HALOPSA_URL             base URL of your HaloPSA, e.g. https://acme.halopsa.com
  HALOPSA_CLIENT_ID       client ID of a HaloPSA API application (client credentials)
  HALOPSA_CLIENT_SECRET   its client secret
                          (these three are required, except with --sandbox)
  HALOPSA_TENANT          tenant name, for hosted HaloPSA (default: none)
  HALOPSA_MCP_TOKEN       HTTP: bearer token clients must send, 16+ characters
  HALOPSA_MCP_TOKEN_FILE  HTTP: a file holding that token, instead of the variable
                          (without a token, HTTP listens on loopback only)
  HALOPSA_READ_ONLY       true: serve only the read tools (default: false)
  HALOPSA_LOG_LEVEL       DEBUG, INFO, WARNING or ERROR; JSON lines on stderr
                          (default: INFO)
Every variable, with its default, is in the README's "Configuration" table.

exit status: 0 when the MCP client closes stdin (or Ctrl-D), 130 on Ctrl-C,
2 on a configuration problem. `halopsa-mcp sandbox --help` for the sandbox's options.
"""


def _sandbox_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "sandbox",
        help="serve the sandbox HaloPSA (a local, in-memory HaloPSA API with demo data)",
        description=(
            "Serve a local HaloPSA API with seeded demo data over HTTP.\n"
            "State lives in memory and resets on restart. Ctrl-C stops it."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    p.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default: %(default)s)"
    )
    p.add_argument(
        "--client-id", default="sandbox-client", help="accepted client_id (default: %(default)s)"
    )
    p.add_argument(
        "--client-secret",
        default="sandbox-secret",
        help="accepted client_secret (default: %(default)s)",
    )
    p.add_argument(
        "--tenant",
        default=None,
        help="require this tenant on token requests (default: none, no tenant needed)",
    )
    p.add_argument("--seed", type=int, default=7, help="demo data seed (default: %(default)s)")
    p.add_argument(
        "--tickets", type=int, default=120, help="number of seeded tickets (default: %(default)s)"
    )
    p.add_argument(
        "--token-lifetime",
        type=float,
        default=3600.0,
        help="token lifetime in seconds (default: %(default)s)",
    )
    p.add_argument(
        "--rate-limit",
        type=int,
        default=300,
        help="requests allowed per rolling window, as hosted HaloPSA; 0 = off "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--rate-window",
        type=float,
        default=300.0,
        help="rolling window in seconds (default: %(default)s)",
    )
    p.add_argument(
        "--unkind",
        action="store_true",
        help="behave as unlike the defaults as a customer's tenant can: IDs renumbered, "
        "'Internal Note', no Medium, agents and teams unreadable, tenant 'unkind' "
        "unless --tenant is given (see src/halopsa_mcp/sandbox/unkind.py)",
    )


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('halopsa-mcp')}")


def _run_sandbox(args: argparse.Namespace) -> int:
    # Imported here so the MCP server's start-up never pays for the sandbox.
    from halopsa_mcp.sandbox import CannotListen, SandboxConfig, run
    from halopsa_mcp.sandbox.unkind import unkind

    base = unkind() if args.unkind else SandboxConfig()
    config = replace(
        base,
        client_id=args.client_id,
        client_secret=args.client_secret,
        tenant=args.tenant if args.tenant is not None else base.tenant,
        seed=args.seed,
        ticket_count=args.tickets,
        token_lifetime=args.token_lifetime,
        rate_limit_requests=args.rate_limit,
        rate_limit_window=args.rate_window,
    )
    try:
        run(args.host, args.port, config)
    except CannotListen as exc:
        print(f"halopsa-mcp sandbox: {exc}", file=sys.stderr)
        return 1
    return 0


def _ctrl_c_stops_quietly(serve: Callable[P, int]) -> Callable[P, int]:
    """Ctrl-C, while starting as while serving, ends with the shell's 130 and no traceback."""

    @functools.wraps(serve)
    def serving(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            return serve(*args, **kwargs)
        except KeyboardInterrupt:
            return _EXIT_INTERRUPTED

    return serving


def _imports_done() -> None:
    """What the imports made is set aside, never to be scanned for garbage.

    The imports (mostly the SDK's and our pydantic models) make some 130,000 objects that
    live as long as the process, and little garbage: collecting meanwhile only scans them
    again and again while the client waits for its first answer (about 6% of a cold
    start). Frozen, they are left out of every later collection too, at the cost of
    never freeing the thousand garbage objects among them.
    """
    gc.freeze()


def _start_up_done() -> None:
    """Garbage is collected from here on. Building the server left some 2,800 garbage
    objects (0.4 MB, schema generation's) among few others: collecting just those, the
    imports' being frozen, takes about a millisecond."""
    gc.collect()
    gc.freeze()
    gc.enable()


@_ctrl_c_stops_quietly
def _serve(halo: HaloSettings, server_settings: ServerSettings, args: argparse.Namespace) -> int:
    from halopsa_mcp.server.app import build_server

    _imports_done()
    server = build_server(halo, server_settings)
    _start_up_done()
    if args.transport == "stdio":
        from halopsa_mcp.server.stdio import run_stdio

        run_stdio(server, max_line_bytes=server_settings.max_request_bytes)
        return 0
    from halopsa_mcp.server.http import http_app, serve_http

    http = HttpSettings.from_env()
    app = http_app(
        server,
        host=args.host,
        token=http.bearer_token(),
        stateless=args.stateless,
        allowed_hosts=http.allowed_hosts,
        max_body_bytes=server_settings.max_request_bytes,
        max_sessions=http.max_sessions,
        session_idle_seconds=http.session_idle_seconds,
        large_requests=http.large_requests,
    )
    serve_http(app, args.host, args.port)
    return 0


@_ctrl_c_stops_quietly
def _serve_on_sandbox(server_settings: ServerSettings, args: argparse.Namespace) -> int:
    from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

    # The embedded sandbox serves one user: no quota to keep under.
    with SandboxServer(SandboxConfig(rate_limit_requests=0)) as sandbox:
        log.warning("using the sandbox HaloPSA at %s", sandbox.url)
        return _serve(_sandbox_settings(sandbox.url, sandbox.state.config), server_settings, args)


def _check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "check",
        help="check the connection to HaloPSA and everything the tools read from it",
        description=(
            "Connect with the configured HALOPSA_* settings and report, one line each with "
            "its fix: the URL, the token, each lookup the tools read, the note outcome, the "
            "Medium priority and the rate limit. Exits 0 only when every tool can work."
        ),
    )
    p.add_argument(
        "--sandbox",
        dest="check_sandbox",
        action="store_true",
        help="check against a sandbox HaloPSA started in-process",
    )


def _run_check(settings: Settings, on_sandbox: bool) -> int:
    import anyio

    from halopsa_mcp.diagnose import diagnose, exit_code, render

    def check(halo: HaloSettings) -> int:
        rows = anyio.run(diagnose, halo, settings.server)
        print(render(halo, rows))
        return exit_code(rows)

    if not on_sandbox:
        assert settings.halo is not None
        return check(settings.halo)
    from halopsa_mcp.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(rate_limit_requests=0)) as sandbox:
        return check(_sandbox_settings(sandbox.url, sandbox.state.config))


def _sandbox_settings(url: str, config: SandboxConfig) -> HaloSettings:
    return HaloSettings.from_env(
        {
            "HALOPSA_URL": url,
            "HALOPSA_CLIENT_ID": config.client_id,
            "HALOPSA_CLIENT_SECRET": config.client_secret,
        }
    )


def _load_settings(args: argparse.Namespace) -> Settings:
    """Every setting this run needs, with all their problems in one ConfigError."""
    # A constant list, so checking the allow/deny names costs no server build.
    from halopsa_mcp.server.tools.registry import TOOL_NAMES

    return load_all(
        halo=not (args.sandbox or getattr(args, "check_sandbox", False)),
        http=args.transport == "http",
        tool_names=TOOL_NAMES,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="halopsa-mcp",
        description=(
            "MCP server for HaloPSA tickets, over stdio (default) or Streamable HTTP.\n"
            "Configure it with HALOPSA_URL, HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET,\n"
            "or try it with --sandbox."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_version(parser)
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="serve against a sandbox HaloPSA with demo data, started in-process "
        "(default: off, HALOPSA_URL is used)",
    )
    parser.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="how MCP clients connect (default: %(default)s)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="HTTP: address to listen on (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="HTTP: port (default: %(default)s)")
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="HTTP: keep no session state, so replicas behind a load balancer can share work "
        "(default: off)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _sandbox_parser(commands)
    _check_parser(commands)
    return parser


def _without_unused_display_libraries() -> None:
    """rich and pygments are installed beside the dev tools the README's set-up installs,
    and then imported into every process of ours for nothing: by the SDK, for a log
    handler that our logging (configured first) makes it discard, and by httpx, for its
    own command-line tool. Marked as absent (both expect that they may be), they cost
    nothing: 2 to 4 MB of memory."""
    for unused in ("rich", "httpx._main"):
        sys.modules.setdefault(unused, None)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    _without_unused_display_libraries()
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
        return _run_sandbox(args)
    if args.command is None:
        # No garbage collection until the server is built: see _imports_done.
        gc.disable()
    try:
        settings = _load_settings(args)
        configure_logging(settings.server.log_level)
        if args.command == "check":
            return _run_check(settings, args.sandbox or args.check_sandbox)
        if args.sandbox:
            return _serve_on_sandbox(settings.server, args)
        assert settings.halo is not None
        return _serve(settings.halo, settings.server, args)
    except ConfigError as exc:
        print(f"halopsa-mcp: {exc}", file=sys.stderr)
        if "HALOPSA_URL is not set" in str(exc):
            print("To try it without a tenant: halopsa-mcp --sandbox", file=sys.stderr)
        return 2
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
