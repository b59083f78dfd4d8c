"""Every key the sandbox emits is a property of the OpenAPI schema of that object.

Reads openapi_fields.json directly rather than through the sandbox's own checker.
"""

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer

FIELDS = json.loads(
    resources.files("halopsa_mcp.sandbox").joinpath("openapi_fields.json").read_text("utf-8")
)


def assert_keys_in(schema: str, rows: list[dict[str, Any]]) -> None:
    assert rows
    properties = FIELDS["schemas"][schema]
    for row in rows:
        unknown = set(row) - set(properties)
        assert not unknown, f"{schema} has no {sorted(unknown)}"


def test_ticket_objects(sandbox: SandboxServer, api: httpx.Client) -> None:
    listed = api.get("/Tickets").json()["tickets"]
    everything = {"includedetails": "true", "includelastaction": "true"}
    full = [api.get(f"/Tickets/{t['id']}", params=everything).json() for t in listed[::10]]
    created = api.post("/Tickets", json=[{"summary": "x", "client_id": 12}]).json()
    assert_keys_in("Faults", [*listed, *full, created])


def test_action_and_attachment_objects(sandbox: SandboxServer, api: httpx.Client) -> None:
    actions = api.get("/Actions").json()["actions"]
    one = api.get(f"/Actions/{actions[0]['id']}").json()
    added = api.post(
        "/Actions", json=[{"ticket_id": 1001, "outcome": "Private Note", "note": "x"}]
    ).json()
    assert_keys_in("Actions", [*actions, one, added])
    hostile = sandbox.state.landmarks.hostile_ticket_id
    attachments = api.get("/Attachment").json()["attachments"]
    uploaded = api.post(
        "/Attachment", json=[{"ticket_id": hostile, "filename": "a.txt", "data_base64": "YQ=="}]
    ).json()
    assert_keys_in("Attachment", [*attachments, uploaded])


def test_an_attachment_record_by_id(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    """Where GET /Attachment/{id} answers JSON rather than the file."""
    api = connect(start_sandbox(attachment_by_id="record").url)
    attachments = api.get("/Attachment").json()["attachments"]
    detailed = api.get(f"/Attachment/{attachments[0]['id']}", params={"includedetails": "true"})
    assert_keys_in("Attachment", [detailed.json()])


@pytest.mark.parametrize(
    ("path", "params", "schema", "key"),
    [
        ("/Status", {}, "TStatus", None),
        ("/Priority", {}, "Policy", None),
        ("/TicketType", {"showinactive": "true"}, "RequestType", None),
        ("/Outcome", {}, "TOutcome", None),
        ("/Agent", {"includedisabled": "true"}, "Uname", None),
        ("/Team", {}, "SectionDetail", None),
        ("/SLA", {"showpriorities": "true"}, "SlaHead", None),
        ("/Client", {"includeinactive": "true"}, "Area", "clients"),
        ("/Site", {}, "Site", "sites"),
        ("/Users", {}, "Users", "users"),
    ],
)
def test_lookup_objects(
    api: httpx.Client, path: str, params: dict[str, str], schema: str, key: str | None
) -> None:
    body = api.get(path, params=params).json()
    assert_keys_in(schema, body[key] if key else body)


def test_sla_priorities_are_policy_rows(api: httpx.Client) -> None:
    slas = api.get("/SLA", params={"showpriorities": "true"}).json()
    assert_keys_in("Policy", [p for sla in slas for p in sla["priorities"]])
