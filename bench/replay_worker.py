"""Replays recorded HaloPSA requests on demand, from a process of its own.

``python replay_worker.py CONFIG_JSON``: CONFIG is {"url", "token", "waves"}, each wave a
list of [method, url, body] made at once, the waves one after another. Each line read on
stdin makes one replay; its duration in seconds is written back as a line. Run apart
from the benchmark so that, like the server measured, it shares no interpreter (and no
GIL) with the sandbox HaloPSA.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import anyio
import httpx


async def main(config: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {config['token']}"}
    async with httpx.AsyncClient(base_url=config["url"]) as http:

        async def one(method: str, url: str, body: Any) -> None:
            (await http.request(method, url, json=body, headers=headers)).json()

        async def replay() -> float:
            started = time.perf_counter()
            for wave in config["waves"]:
                async with anyio.create_task_group() as tg:
                    for method, url, body in wave:
                        tg.start_soon(one, method, url, body)
            return time.perf_counter() - started

        stdin = anyio.wrap_file(sys.stdin)
        async for line in stdin:
            if not line.strip():
                break
            print(await replay(), flush=True)


if __name__ == "__main__":
    anyio.run(main, json.loads(sys.argv[1]))
