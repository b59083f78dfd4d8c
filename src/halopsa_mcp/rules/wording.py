"""How the rules word things for an LLM: the instance's choices as "ID Name" pairs it
can copy, and a caller's own values quoted back short."""

from __future__ import annotations

from collections.abc import Iterable

from halopsa_mcp.rules.text import is_invisible


def label(id_: int, name: str) -> str:
    return f"{id_} {name}".rstrip()


def use_one_of(choices: Iterable[tuple[int, str]], *, limit: int | None = None) -> str:
    """``use one of: 1 New, 2 In Progress``, cut at ``limit`` with a count of the rest."""
    labels = [label(id_, name) for id_, name in choices]
    if not labels:
        return "this instance has none to choose from; ask a HaloPSA administrator"
    shown = labels if limit is None else labels[:limit]
    rest = len(labels) - len(shown)
    return "use one of: " + ", ".join(shown) + (f" (and {rest} more)" if rest else "")


def shown(value: str, *, limit: int = 60) -> str:
    """A caller's value quoted back in an error: at most ``limit`` characters between the
    quotes, an ellipsis marking a cut, and unprintable or invisible characters spelled
    out as escapes, so the model sees what it sent and a huge value stays short."""
    # Only the head is looked at: one character escapes to at most ten.
    pieces = [_escaped(ch) for ch in value[: limit + 1]]
    if len(pieces) == len(value) and sum(map(len, pieces)) <= limit:
        return f"'{''.join(pieces)}'"
    kept: list[str] = []
    room = limit - 1  # for the ellipsis
    for piece in pieces:
        if len(piece) > room:
            break
        kept.append(piece)
        room -= len(piece)
    return f"'{''.join(kept)}…'"


def _escaped(ch: str) -> str:
    if ch.isprintable() and not is_invisible(ch):
        return ch
    return ch.encode("unicode_escape").decode("ascii")
