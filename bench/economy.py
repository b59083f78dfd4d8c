"""API economy (HaloPSA requests per tool call, cold and warm) and context economy
(bytes and tokens a model reads: our result against HaloPSA's raw JSON for the same data).
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import anyio
import bpe_openai
import httpx
from common import Table, mcp_server, sandbox
from mcp import Client

from halopsa_mcp.sandbox import SandboxServer

# The fewest HaloPSA requests each operation can be done in (token excluded): what a
# careful hand-written integration would need, given the rules it must check.
FLOOR = {
    "search_tickets": 1,  # the page of tickets
    "get_ticket": 2,  # the ticket, its recent actions
    "create_ticket": 2,  # open tickets of the client (duplicates), the POST
    "update_ticket": 2,  # the ticket (current status), the POST
    "add_action": 2,  # the ticket (exists, status), the POST
    "list_actions": 1,
    "upload_attachment": 2,  # the ticket (exists), the POST
    "list_attachments": 1,
    "list_statuses": 0,
    "list_priorities": 0,
    "list_ticket_types": 0,
    "list_outcomes": 0,
}


def calls() -> dict[str, Any]:
    content = base64.b64encode(b"bench log line\n" * 20).decode()
    return {
        "search_tickets": lambda: {"limit": 20},
        "get_ticket": lambda: {"ticket_id": 1001, "include_actions": 5},
        "create_ticket": lambda: {
            "summary": f"Bench {uuid.uuid4().hex[:10]} keyboard",
            "client_id": 23,
            "ticket_type_id": 1,
        },
        "update_ticket": lambda: {"ticket_id": 1002, "summary": f"Bench {uuid.uuid4().hex[:8]}"},
        "add_action": lambda: {"ticket_id": 1003, "note": "Bench note"},
        "list_actions": lambda: {"ticket_id": 1001},
        "upload_attachment": lambda: {
            "ticket_id": 1001,
            "filename": "bench.log",
            "content_base64": content,
        },
        "list_attachments": lambda: {"ticket_id": 1001},
        "list_statuses": lambda: {},
        "list_priorities": lambda: {"ticket_type_id": 1},
        "list_ticket_types": lambda: {},
        "list_outcomes": lambda: {},
    }


def api_requests(box: SandboxServer, since: int) -> tuple[int, int]:
    """(HaloPSA API requests, token requests) the sandbox received after ``since``."""
    log = list(box.state.request_log)[since:]
    tokens = sum(1 for r in log if r.path == "/auth/token")
    return len(log) - tokens, tokens


async def api_economy(box: SandboxServer) -> list[list[Any]]:
    rows = []
    for tool, args in calls().items():
        # A fresh server per tool: its first call is cold (no token, no lookups cached).
        async with Client(mcp_server(box)) as c:
            mark = len(box.state.request_log)
            assert not (await c.call_tool(tool, args())).is_error
            cold, cold_tokens = api_requests(box, mark)
            mark = len(box.state.request_log)
            assert not (await c.call_tool(tool, args())).is_error
            warm, warm_tokens = api_requests(box, mark)
        rows.append([tool, cold, cold_tokens, warm, warm_tokens, FLOOR[tool], warm - FLOOR[tool]])
    return rows


async def raw_json(box: SandboxServer, *paths: str) -> bytes:
    async with httpx.AsyncClient(base_url=box.url) as http:
        token = (
            await http.post(
                "/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": box.state.config.client_id,
                    "client_secret": box.state.config.client_secret,
                },
            )
        ).json()["access_token"]
        bodies = [
            (await http.get(p, headers={"Authorization": f"Bearer {token}"})).content for p in paths
        ]
    return b"\n".join(bodies)


async def context_economy(box: SandboxServer) -> list[list[Any]]:
    tokenizer = bpe_openai.get_encoding("o200k_base")

    def size(data: bytes) -> tuple[int, int]:
        return len(data), len(tokenizer.encode(data.decode("utf-8")))

    cases = [
        (
            "search_tickets, 50 tickets",
            "search_tickets",
            {"limit": 50, "open_only": False},
            ["/api/Tickets?pageinate=true&page_size=50&page_no=1&order=id&orderdesc=true"],
        ),
        (
            "get_ticket, 5 actions",
            "get_ticket",
            {"ticket_id": 1001, "include_actions": 5},
            ["/api/Tickets/1001?includedetails=true", "/api/Actions?ticket_id=1001&count=5"],
        ),
        ("list_statuses", "list_statuses", {}, ["/api/Status"]),
    ]
    rows = []
    async with Client(mcp_server(box)) as c:
        for label, tool, args, paths in cases:
            result = await c.call_tool(tool, args)
            structured = json.dumps(result.structured_content, separators=(",", ":")).encode()
            text = result.content[0].text.encode()  # type: ignore[union-attr]
            raw = await raw_json(box, *paths)
            ours_bytes, ours_tokens = size(structured)
            text_bytes, text_tokens = size(text)
            raw_bytes, raw_tokens = size(raw)
            rows.append(
                [
                    label, raw_bytes, raw_tokens, ours_bytes, ours_tokens, text_bytes,
                    text_tokens, raw_tokens / ours_tokens,
                ]
            )  # fmt: skip
    return rows


# Issue 11's context budgets, in KB (1,000 bytes) of compact JSON.
BUDGET_KB = {"tools/list, model-read": 12, "tools/list, whole": 20, "search, 50 rows, text": 8}


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


async def context_budgets(box: SandboxServer) -> list[list[Any]]:
    """What every session pays before its first call (tools/list) and what the largest
    everyday answer costs, against the budgets."""
    tokenizer = bpe_openai.get_encoding("o200k_base")
    async with Client(mcp_server(box)) as c:
        tools = [
            t.model_dump(by_alias=True, exclude_none=True) for t in (await c.list_tools()).tools
        ]
        search = await c.call_tool("search_tickets", {"limit": 50, "open_only": False})
    read = [{k: t[k] for k in ("name", "description", "inputSchema") if k in t} for t in tools]
    sizes = {
        "tools/list, model-read": _compact(read),
        "tools/list, whole": _compact(tools),
        "search, 50 rows, text": search.content[0].text.encode(),  # type: ignore[union-attr]
    }
    rows = []
    for label, data in sizes.items():
        kb, budget = len(data) / 1000, BUDGET_KB[label]
        tokens = len(tokenizer.encode(data.decode("utf-8")))
        rows.append([label, len(tools), kb, tokens, budget, "within" if kb <= budget else "OVER"])
    return rows


def run() -> list[Table]:
    with sandbox() as box:
        api = anyio.run(api_economy, box)
        box.state.reset()
        context = anyio.run(context_economy, box)
        budgets = anyio.run(context_budgets, box)
    return [
        Table(
            "API economy: HaloPSA requests per tool call",
            ["tool", "cold API", "cold token", "warm API", "warm token", "floor", "warm - floor"],
            api,
            note=(
                "cold: a new server's first call (it fetches a token and the six lookup "
                "lists: statuses, priorities, ticket types, outcomes, agents, teams). warm: the "
                "same call again. floor: the fewest requests the operation needs with its "
                "rules checked; warm - floor = 0 means validation costs no extra request."
            ),
        ),
        Table(
            "Context economy: what the model reads (tokens: o200k_base)",
            [
                "data",
                "raw bytes",
                "raw tokens",
                "ours bytes",
                "ours tokens",
                "text block bytes",
                "text block tokens",
                "raw/ours tokens",
            ],
            context,
            note=(
                "raw: HaloPSA's JSON for the same data (IDs only, no names). ours: the "
                "tool's structured result (names resolved, HTML reduced to text). text "
                "block: the JSON text the SDK also sends in the result's content for "
                "clients that do not read structured results."
            ),
        ),
        Table(
            "Context budgets (compact JSON; tokens: o200k_base)",
            ["what", "tools", "KB", "tokens", "budget KB", "verdict"],
            budgets,
            note=(
                "model-read: each tool's name, description and inputSchema, as a model is "
                "shown them. whole: the tools/list answer, output schemas included. search: "
                "the text content of a 50-row search_tickets result."
            ),
        ),
    ]


if __name__ == "__main__":
    for table in run():
        print(table.render())
