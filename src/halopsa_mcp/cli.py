"""The ``halopsa-mcp`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _sandbox_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "sandbox",
        help="serve the sandbox HaloPSA (a local, in-memory HaloPSA API with demo data)",
        description=(
            "Serve a local HaloPSA API with seeded demo data. State lives in memory and "
            "resets on restart. Ctrl-C stops it."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default %(default)s)")
    p.add_argument("--client-id", default="sandbox-client", help="accepted client_id")
    p.add_argument("--client-secret", default="sandbox-secret", help="accepted client_secret")
    p.add_argument("--tenant", default=None, help="require this tenant on token requests")
    p.add_argument("--seed", type=int, default=7, help="demo data seed (default %(default)s)")
    p.add_argument("--tickets", type=int, default=120, help="number of seeded tickets")
    p.add_argument("--token-lifetime", type=float, default=3600.0, help="token lifetime in seconds")
    p.add_argument(
        "--rate-limit",
        type=int,
        default=300,
        help="requests allowed per rolling window, as hosted HaloPSA (0 = off)",
    )
    p.add_argument("--rate-window", type=float, default=300.0, help="rolling window in seconds")


def _run_sandbox(args: argparse.Namespace) -> int:
    # Imported here so the MCP server's start-up never pays for the sandbox.
    from halopsa_mcp.sandbox import SandboxConfig, run

    config = SandboxConfig(
        client_id=args.client_id,
        client_secret=args.client_secret,
        tenant=args.tenant,
        seed=args.seed,
        ticket_count=args.tickets,
        token_lifetime=args.token_lifetime,
        rate_limit_requests=args.rate_limit,
        rate_limit_window=args.rate_window,
    )
    run(args.host, args.port, config)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="halopsa-mcp",
        description="MCP server for HaloPSA tickets, and a sandbox HaloPSA to try it on.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _sandbox_parser(commands)
    args = parser.parse_args(argv)
    return _run_sandbox(args)


if __name__ == "__main__":
    sys.exit(main())
