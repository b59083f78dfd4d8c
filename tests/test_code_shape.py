"""The shape of the source: short functions, one list of tools, one way to report
HaloPSA's failures from a tool."""

from __future__ import annotations

import ast
from pathlib import Path

import halopsa_mcp

SRC = Path(halopsa_mcp.__file__).parent
TOOLS = SRC / "server" / "tools"
MAX_LINES = 60


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    # Decorators count: a tool's registration is part of what a reader has to take in.
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    assert node.end_lineno is not None
    return node.end_lineno - first + 1


def test_no_function_in_src_is_over_60_lines() -> None:
    long = [
        f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({_length(node)} lines)"
        for path in sorted(SRC.rglob("*.py"))
        for node in _functions(path)
        if _length(node) > MAX_LINES
    ]
    assert long == [], f"functions over {MAX_LINES} lines: {long}"


def test_the_walk_sees_the_tool_modules() -> None:
    # Guards the test above against walking an empty or wrong folder.
    names = {node.name for path in TOOLS.glob("*.py") for node in _functions(path)}
    assert {"create_ticket", "update_ticket", "add_action", "upload_attachment"} <= names


def test_every_tool_is_a_module_level_function_in_the_registry() -> None:
    from halopsa_mcp.server.tools.registry import TOOLS

    # A closure has a qualified name like "register.<locals>.create_ticket".
    nested = [spec.name for spec in TOOLS if spec.fn.__qualname__ != spec.name]
    assert nested == []
    assert {spec.name for spec in TOOLS} >= {"create_ticket", "list_outcomes"}
    assert len({spec.name for spec in TOOLS}) == len(TOOLS)


def test_tool_modules_leave_halo_errors_to_one_helper() -> None:
    # server/errors.py's halo_errors is the one place a client error becomes a tool
    # error; a hand-written except clause would drift from its wording.
    handlers = [
        f"{path.name}:{node.lineno}"
        for path in sorted(TOOLS.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ExceptHandler) and "HaloError" in ast.unparse(node.type or node)
    ]
    assert handlers == [], f"except HaloError in tool modules: {handlers}"
