"""How the rules name the instance's choices to an LLM: "ID Name" pairs it can copy."""

from __future__ import annotations

from collections.abc import Iterable


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
