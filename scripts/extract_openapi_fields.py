"""Distil HaloPSA's OpenAPI cut into the field lists the sandbox checks requests against.

The OpenAPI file is 1 MB and is kept with the tests (tests/data), not in the package; the
sandbox ships with the few kilobytes it needs: per operation, the query parameters and
their types, and per schema, the property names and their types.

    python scripts/extract_openapi_fields.py > src/halopsa_mcp/sandbox/openapi_fields.json

reads tests/data/openapi-v2-tickets.json; give another OpenAPI file as the argument to
distil that one instead.

tests/client/test_payloads_openapi.py fails if the committed file drifts from the OpenAPI file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_SPEC = Path(__file__).resolve().parents[1] / "tests" / "data" / "openapi-v2-tickets.json"

# The OpenAPI file spells query parameter types in C# ("int", "bool", "double",
# "List<int>"); the sandbox needs only the JSON kind to check a value against.
_PARAM_KINDS = {
    "int": "integer",
    "integer": "integer",
    "bool": "boolean",
    "boolean": "boolean",
    "double": "number",
    "number": "number",
    "string": "string",
    "List<int>": "string",
}


def _property_kind(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "object"
    return str(prop.get("type", "any"))


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    body_schemas: set[str] = set()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = {
                p["name"]: _PARAM_KINDS[p["schema"]["type"]]
                for p in op.get("parameters", [])
                if p["in"] == "query"
            }
            entry: dict[str, Any] = {"query": dict(sorted(params.items()))}
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
                entry["body_schema"] = ref
                body_schemas.add(ref)
            operations[f"{method.upper()} {path}"] = entry

    schemas = spec["components"]["schemas"]
    fields = {
        name: {k: _property_kind(v) for k, v in sorted(schemas[name]["properties"].items())}
        for name in sorted(body_schemas)
    }
    return {"operations": dict(sorted(operations.items())), "schemas": fields}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPEC
    spec = json.loads(source.read_text(encoding="utf-8"))
    json.dump(extract(spec), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
