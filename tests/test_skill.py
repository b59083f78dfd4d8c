"""The agent skill (skills/halopsa-tickets/SKILL.md) follows the Agent Skills format and
talks about the tools this server really has.

PyYAML is not a dependency, so the frontmatter is read by a small parser that understands
what a SKILL.md header needs (``key: value``, quoted values, ``>``/``|`` blocks and a
one-level mapping) and fails loudly on anything else instead of guessing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from halopsa_mcp.server.tools.registry import TOOL_NAMES

REPO_ROOT = Path(__file__).resolve().parents[1]
SKILL_DIR = REPO_ROOT / "skills" / "halopsa-tickets"
SKILL_FILE = SKILL_DIR / "SKILL.md"

ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# The tools the server exposes; the skill may name these and no others.
TOOLS = TOOL_NAMES
# A backticked identifier shaped like a tool name ("verb_object") must be a real tool.
# Arguments such as `ticket_type_id` or `dry_run` do not start with one of these verbs.
TOOL_SHAPED = re.compile(
    r"^(search|get|create|update|add|list|upload|delete|remove|set|close|resolve|assign|"
    r"log|find|fetch|edit|post|download|attach)_[a-z0-9_]+$"
)
CALL = re.compile(r"(?<![\w.])([a-z][a-z0-9_]*)\(")
BACKTICKED = re.compile(r"`([^`\n]+)`")

Frontmatter = dict[str, str | dict[str, str]]


class FrontmatterError(ValueError):
    pass


def _scalar(raw: str, line_no: int) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    # Plain YAML scalars cannot contain ": " or " #", nor start with an indicator character.
    if ": " in value or " #" in value or (value and value[0] in "&*!|>%@`{[,?-\"'"):
        raise FrontmatterError(f"line {line_no}: quote this value for YAML: {value!r}")
    return value


def split_skill(text: str) -> tuple[str, str]:
    """Return (frontmatter, body), split on the first two ``---`` lines."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontmatterError("SKILL.md must start with a '---' line")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise FrontmatterError("frontmatter has no closing '---' line")


def parse_frontmatter(block: str) -> Frontmatter:
    result: Frontmatter = {}
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            raise FrontmatterError(f"line {i}: unexpected indentation: {line!r}")
        key, sep, rest = line.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise FrontmatterError(f"line {i}: expected 'key: value', got {line!r}")
        if key in result:
            raise FrontmatterError(f"line {i}: duplicate key {key!r}")
        rest = rest.strip()
        nested: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i][0].isspace()):
            nested.append(lines[i])
            i += 1
        if rest in (">", "|", ">-", "|-"):
            parts = [part.strip() for part in nested if part.strip()]
            if not parts:
                raise FrontmatterError(f"{key}: empty block scalar")
            result[key] = (" " if rest.startswith(">") else "\n").join(parts)
        elif rest:
            if any(part.strip() for part in nested):
                raise FrontmatterError(f"{key}: value continues on indented lines")
            result[key] = _scalar(rest, i)
        else:
            mapping: dict[str, str] = {}
            for part in nested:
                if not part.strip():
                    continue
                sub_key, sub_sep, sub_value = part.strip().partition(":")
                if not sub_sep:
                    raise FrontmatterError(f"{key}: cannot read nested line {part!r}")
                mapping[sub_key.strip()] = _scalar(sub_value, i)
            result[key] = mapping
    return result


@pytest.fixture(scope="module")
def skill() -> tuple[Frontmatter, str]:
    assert SKILL_FILE.is_file(), f"missing {SKILL_FILE}"
    front, body = split_skill(SKILL_FILE.read_text(encoding="utf-8"))
    return parse_frontmatter(front), body


# --- the parser itself --------------------------------------------------------------


def test_parser_reads_the_forms_it_claims_to() -> None:
    parsed = parse_frontmatter(
        "name: demo\n"
        "description: >\n"
        "  First line\n"
        "  second line\n"
        "license: 'MIT'\n"
        "metadata:\n"
        "  author: someone\n"
    )
    assert parsed == {
        "name": "demo",
        "description": "First line second line",
        "license": "MIT",
        "metadata": {"author": "someone"},
    }


@pytest.mark.parametrize(
    "block",
    [
        "name: a\nname: b",  # duplicate key
        "description: Tickets: search and update",  # not valid as a plain YAML scalar
        "  name: indented",
        "just some words",
        "description: one\n  two",
    ],
)
def test_parser_refuses_what_it_cannot_read(block: str) -> None:
    with pytest.raises(FrontmatterError):
        parse_frontmatter(block)


def test_split_needs_both_fences() -> None:
    assert split_skill("---\nname: x\n---\nbody\n") == ("name: x", "body")
    with pytest.raises(FrontmatterError):
        split_skill("name: x\n---\nbody")
    with pytest.raises(FrontmatterError):
        split_skill("---\nname: x\nbody")


# --- the skill ----------------------------------------------------------------------


def test_only_allowed_frontmatter_keys(skill: tuple[Frontmatter, str]) -> None:
    front, _ = skill
    assert {"name", "description"} <= set(front)
    assert set(front) <= ALLOWED_KEYS, set(front) - ALLOWED_KEYS


def test_name_matches_folder_and_format(skill: tuple[Frontmatter, str]) -> None:
    name = skill[0]["name"]
    assert isinstance(name, str)
    assert name == SKILL_DIR.name
    assert NAME_PATTERN.fullmatch(name), name
    assert 1 <= len(name) <= 64


def test_description_is_usable(skill: tuple[Frontmatter, str]) -> None:
    description = skill[0]["description"]
    assert isinstance(description, str)
    assert 1 <= len(description) <= 1024, len(description)
    assert "<" not in description
    assert ">" not in description
    # It has to say when to use the skill, or agents will not pick it up.
    assert re.search(r"\buse (it )?(when|whenever|for)\b", description, re.IGNORECASE)


def test_optional_keys_are_well_formed(skill: tuple[Frontmatter, str]) -> None:
    front = skill[0]
    if "license" in front:
        project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert front["license"] == project["project"]["license"]
    if "compatibility" in front:
        assert isinstance(front["compatibility"], str)
        assert 1 <= len(front["compatibility"]) <= 500
    if "metadata" in front:
        assert isinstance(front["metadata"], dict)


def test_body_is_short_enough(skill: tuple[Frontmatter, str]) -> None:
    body = skill[1]
    assert body.strip(), "SKILL.md has no body"
    assert len(body.splitlines()) < 500


def _mentioned_names(body: str) -> tuple[set[str], set[str]]:
    """(tool-like names the body uses, every tool mention) from backticks and calls."""
    used: set[str] = set()
    for span in BACKTICKED.findall(body):
        token = span.strip()
        if TOOL_SHAPED.fullmatch(token):
            used.add(token)
    used.update(CALL.findall(body))
    return used, used & TOOLS


def test_only_real_tools_are_named(skill: tuple[Frontmatter, str]) -> None:
    used, _ = _mentioned_names(skill[1])
    unknown = used - TOOLS
    assert not unknown, f"SKILL.md names tools the server does not have: {sorted(unknown)}"


def test_every_tool_is_covered(skill: tuple[Frontmatter, str]) -> None:
    _, tools = _mentioned_names(skill[1])
    missing = TOOLS - tools
    assert not missing, f"SKILL.md never mentions: {sorted(missing)}"


def test_tool_detection_catches_inventions() -> None:
    used, _ = _mentioned_names(
        "Call `close_ticket` or list_agent(3), then `dry_run` and `get_ticket`."
    )
    assert used - TOOLS == {"close_ticket", "list_agent"}
    assert "dry_run" not in used
