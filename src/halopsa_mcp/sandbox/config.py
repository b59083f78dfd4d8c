"""Settings of one sandbox HaloPSA instance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class SandboxConfig:
    """Credentials, limits and seed of a sandbox instance.

    The defaults mirror a hosted Halo tenant closely enough for a client to be tested
    against them unchanged: a one-hour token and 300 requests per rolling 5 minutes.
    """

    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    # Hosted Halo needs the tenant name on token requests; None accepts any or none.
    tenant: str | None = None
    token_lifetime: float = 3600.0
    # 0 requests switches the rate limit off.
    rate_limit_requests: int = 300
    rate_limit_window: float = 300.0
    seed: int = 7
    ticket_count: int = 120
    max_attachment_bytes: int = 10 * 1024 * 1024
    # How a POST's saved records come back: "object" for a one-element array (as live
    # Halo), or always an "array", or "wrapped" as {"tickets": [...]}.
    write_answer: Literal["object", "array", "wrapped"] = "object"
    # Switches that make the instance configured unlike the defaults, as tenants are.
    # Change requests start in "Scheduled" instead of New.
    change_starts_scheduled: bool = False
    # The standard SLA has no "Medium": its priority 3 is called "Normal".
    sla_without_medium: bool = False
    # open_only keeps tickets in a Resolved status (only Closed ones are left out).
    open_only_keeps_resolved: bool = False
    # datesearch honours only HaloPSA's documented columns and ignores any other value,
    # returning the list unfiltered, as a live instance may.
    datesearch_documented_only: bool = False
    # How GET /Client/{id} answers: the one "record", or (as one live tenant did) the
    # client "listing", which holds the active clients only.
    client_by_id: Literal["record", "listing"] = "record"
    # Lookup endpoints (e.g. "Agent", "Outcome") that refuse this API application, each
    # with the status it answers (403 or 404), as on tenants configured unlike ours.
    unreadable_lookups: tuple[tuple[str, int], ...] = ()
    # Outcomes this API application may not use: an action with one answers 403, as
    # live Halo does for a permission the application lacks.
    forbidden_outcomes: tuple[int, ...] = ()
    # Ticket types with a mandatory field (CAB approval) the API cannot fill: a ticket
    # of one of them is refused with 400, as live Halo does.
    approval_types: tuple[int, ...] = ()
    # Actions listed oldest first, as one instance did (HaloPSA documents no order).
    actions_oldest_first: bool = False
    # Statuses, outcomes, ticket types and priorities numbered unlike HaloPSA's defaults
    # (each list's IDs reversed: status 8 is not Resolved, priority 3 not Medium).
    # Applies from the next reset(); see sandbox/renumber.py.
    renumbered_ids: bool = False
    # An action that does not say sendemail emails the end user, as an outcome set to.
    emails_unless_told: bool = False
    # Ticket rows carry client_id, site_id and user_id but not their names.
    ticket_rows_without_names: bool = False
    # A new ticket with user_id but no site_id is refused, as HaloPSA does; off, the
    # sandbox puts it on the client's main site.
    site_required_with_user: bool = False
    # The stock private-note outcome's name; other instances call it "Internal Note".
    # Applies from the next reset().
    private_note_name: str = "Private Note"
    # The key a ticket type row carries its SLA under, which differs by HaloPSA version
    # ("default_sla", "default_sla_id", "sla_id", "slaid", "sla"); None sends no SLA.
    ticket_type_sla_key: str | None = "default_sla"
    # How that SLA is written: a "number", digits as "text", or an "object" {"id": ...}.
    ticket_type_sla_form: Literal["number", "text", "object"] = "number"
    # How GET /Attachment/{id} answers: the "file" itself (bytes with Content-Type and
    # Content-Disposition, as live tenants do), or the "record" as JSON, as HaloPSA's
    # OpenAPI document describes it ("a single instance of Attachment").
    attachment_by_id: Literal["file", "record"] = "file"
    # POST /Tickets does not save closure_note, as a live instance may not (no public
    # client is known to write it); a resolution survives only in an action's note.
    closure_note_ignored: bool = False
    # A tenant that tracks no SLA: its tickets' SLA dates (fixbydate, respondbydate,
    # deadlinedate) are "absent" (with onhold) or sent as "placeholders"
    # ("1900-01-01T00:00:00"), as HaloPSA writes a date it has not set.
    sla_dates: Literal["set", "absent", "placeholders"] = "set"
    # Actions the API writes name no agent (who empty, who_agentid 0), only the API
    # application (actionby_application_id), as on an instance whose application acts
    # as no agent.
    api_actions_without_agent: bool = False
