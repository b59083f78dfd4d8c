"""Everything the client sends is named as HaloPSA's OpenAPI file names it.

These read HaloPSA's OpenAPI cut itself (tests/data, byte for byte as published), not the
sandbox's distilled copy, so a mistake in the copy cannot hide a mistake in the client.
"""

import importlib.resources
import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from halopsa_mcp.client.payloads import (
    ActionFields,
    AttachmentUpload,
    TicketFields,
    TicketQuery,
    wire_names,
)

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "tests" / "data" / "openapi-v2-tickets.json"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


def properties(spec: dict[str, Any], schema: str) -> set[str]:
    return set(spec["components"]["schemas"][schema]["properties"])


def query_params(spec: dict[str, Any], path: str) -> set[str]:
    return {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}


@pytest.mark.parametrize(
    ("model", "schema"),
    [(TicketFields, "Faults"), (ActionFields, "Actions"), (AttachmentUpload, "Attachment")],
)
def test_write_payload_fields_exist_in_the_api(
    spec: dict[str, Any], model: type[BaseModel], schema: str
) -> None:
    unknown = wire_names(model) - properties(spec, schema)
    assert not unknown, f"{model.__name__} sends fields {schema} does not have: {unknown}"


def test_ticket_query_parameters_exist_in_the_api(spec: dict[str, Any]) -> None:
    unknown = wire_names(TicketQuery) - query_params(spec, "/Tickets")
    assert not unknown


def test_skill_document_names_that_the_api_lacks_are_not_used(spec: dict[str, Any]) -> None:
    # The ticket skill document says "resolution", "team_id" and "actiontype_id"; the
    # API has closure_note, team (a name) and outcome instead.
    assert "resolution" not in properties(spec, "Faults")
    assert "team_id" not in properties(spec, "Faults")
    assert "actiontype_id" not in properties(spec, "Actions")
    assert "closure_note" in wire_names(TicketFields)
    assert "team" in wire_names(TicketFields)


def test_sandbox_field_list_matches_the_openapi_file(spec: dict[str, Any]) -> None:
    extract = runpy.run_path(str(ROOT / "scripts" / "extract_openapi_fields.py"))["extract"]
    shipped = importlib.resources.files("halopsa_mcp.sandbox").joinpath("openapi_fields.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == extract(spec), (
        "regenerate with scripts/extract_openapi_fields.py"
    )


def test_the_extraction_script_reads_the_copy_in_the_repository() -> None:
    # Run as the maintainer runs it, with no argument: it must find its input in the repo.
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "extract_openapi_fields.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shipped = importlib.resources.files("halopsa_mcp.sandbox").joinpath("openapi_fields.json")
    assert done.stdout == shipped.read_text(encoding="utf-8")
