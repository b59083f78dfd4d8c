"""Tool results in the fewest tokens: the text block as compact JSON.

The SDK sends each structured result twice, as structuredContent and as a text block for
clients that do not read structured results, and it pretty-prints that text with a
two-space indent. Many clients hand the model only the text block, where the indentation
costs about a third more tokens for nothing. This middleware re-serialises it compactly.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext


class CompactResults:
    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        result = await call_next(ctx)
        # Middleware sees the result already serialised for the wire (camelCase keys).
        if (
            ctx.method == "tools/call"
            and isinstance(result, dict)
            and result.get("structuredContent") is not None
            and not result.get("isError")
        ):
            text = json.dumps(
                result["structuredContent"], ensure_ascii=False, separators=(",", ":")
            )
            return {**result, "content": [{"type": "text", "text": text}]}
        return result
