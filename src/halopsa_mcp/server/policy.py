"""Which tools a deployment exposes: read-only mode and allow/deny lists (deny wins).

Pure functions; the server removes every tool not exposed, so a hidden tool is absent
from tools/list and answers a call exactly as a tool that never existed.
"""

from __future__ import annotations

from collections.abc import Mapping


def exposed_tools(
    read_only_of: Mapping[str, bool],
    *,
    read_only: bool,
    allow: frozenset[str],
    deny: frozenset[str],
) -> frozenset[str]:
    """The tools to serve, from each tool's read-only flag and the deployment's settings.

    An empty allow list allows everything; deny is applied last, so it always wins.
    """
    exposed = {name for name, is_read in read_only_of.items() if is_read or not read_only}
    if allow:
        exposed &= allow
    return frozenset(exposed - deny)


def unknown_tool_names(read_only_of: Mapping[str, bool], *lists: frozenset[str]) -> list[str]:
    """Names in the allow/deny lists that are no tool (a typo would silently expose more)."""
    return sorted(set().union(*lists) - set(read_only_of))
