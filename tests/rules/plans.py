"""What a plan writes, as a dict of the fields it sets, for comparing in tests."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from halopsa_mcp.rules.actions import ActionPlan
from halopsa_mcp.rules.tickets import TicketPlan


def written(plan: TicketPlan | ActionPlan) -> dict[str, Any]:
    """The fields the plan sets (None: left alone), by their domain names."""
    write = plan.ticket if isinstance(plan, TicketPlan) else plan.action
    return {name: value for name, value in asdict(write).items() if value is not None}
