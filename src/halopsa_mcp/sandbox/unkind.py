"""A sandbox configured as unlike the defaults as it can be: every tenant difference at once.

Our own sandbox was kinder than the first customer instance we met. This preset turns on
every switch that makes it behave like the instances where we failed, so one run (the
end-to-end session test, or `halopsa-mcp sandbox --unkind` by hand) meets them together.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from halopsa_mcp.sandbox import catalog
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.renumber import renumbering

UNKIND_TENANT = "unkind"


def unkind(**changes: Any) -> SandboxConfig:
    """The unkind preset, with ``changes`` applied on top."""
    r = renumbering()
    config = SandboxConfig(
        tenant=UNKIND_TENANT,
        write_answer="array",
        renumbered_ids=True,
        change_starts_scheduled=True,
        sla_without_medium=True,
        open_only_keeps_resolved=True,
        datesearch_documented_only=True,
        client_by_id="listing",
        unreadable_lookups=(("Agent", 403), ("Team", 404)),
        forbidden_outcomes=(r.outcomes[catalog.PHONE_CALL],),
        approval_types=(r.ticket_types[catalog.PROBLEM],),
        actions_oldest_first=True,
        emails_unless_told=True,
        ticket_rows_without_names=True,
        site_required_with_user=True,
        private_note_name="Internal Note",
        closure_note_ignored=True,
        ticket_type_sla_key="sla",
        ticket_type_sla_form="object",
        api_actions_without_agent=True,
    )
    return replace(config, **changes)
