"""Prints the fault matrix's outcome table after the run when RELIABILITY_REPORT=1."""

import os

import pytest

from tests.reliability.report import ROWS, table


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get("RELIABILITY_REPORT") != "1" or not ROWS:
        return
    terminalreporter.write_sep("=", "reliability: outcomes per fault")
    terminalreporter.write_line(table(list(ROWS.values())))
