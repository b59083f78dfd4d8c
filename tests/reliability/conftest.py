"""Prints the fault matrix's outcome table and the measured figures after the run when
RELIABILITY_REPORT=1."""

import os

import pytest

from tests.reliability.report import FIGURES, ROWS, table


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get("RELIABILITY_REPORT") != "1":
        return
    if ROWS:
        terminalreporter.write_sep("=", "reliability: outcomes per fault")
        terminalreporter.write_line(table(list(ROWS.values())))
    if FIGURES:
        terminalreporter.write_sep("=", "reliability: measured figures")
        for what, figure in FIGURES.items():
            terminalreporter.write_line(f"{what}: {figure}")
