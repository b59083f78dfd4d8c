"""The markers select whole test directories: `pytest -m rules` runs the rule suite alone."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def collected(*args: str) -> list[str]:
    run = subprocess.run(  # noqa: S603 - this interpreter running pytest
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_the_rules_marker_selects_the_rule_tests_and_nothing_else() -> None:
    selected = collected("-m", "rules")
    assert len(selected) == len(collected("tests/rules"))
    assert all(node.startswith("tests/rules/") for node in selected)


@pytest.mark.parametrize(
    ("marker", "prefix"),
    [("sandbox", "tests/sandbox/"), ("slow", "tests/reliability/"), ("project", "tests/test_")],
)
def test_each_marker_selects_its_directory(marker: str, prefix: str) -> None:
    selected = collected("-m", marker, "tests/sandbox", "tests/reliability", "tests/test_cli.py")
    assert selected
    assert all(node.startswith(prefix) for node in selected)
