"""The registry manifest (server.json) is valid and agrees with the project.

The 2025-12-11 server schema never forbids unknown properties, so a misspelt key such as
``"required": true`` or ``"secret": true`` would pass schema validation while meaning
nothing to a client. The tests below therefore also check key names against the schema's
own property lists, and check the facts a client relies on (which variables are needed,
which one is secret) directly.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from jsonschema.validators import validator_for

from halopsa_mcp.config import HaloSettings, ServerSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVER_JSON = REPO_ROOT / "server.json"
PYPROJECT = REPO_ROOT / "pyproject.toml"
SCHEMA_PATH = REPO_ROOT / "tests" / "data" / "server.schema.json"
SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

SECRET_VARS = {"HALOPSA_CLIENT_SECRET"}
# The stdio package reads these two models; the HTTP token settings belong to HTTP mode.
SETTINGS_FIELDS = {
    field.alias: field
    for model in (HaloSettings, ServerSettings)
    for field in model.model_fields.values()
    if field.alias
}
REQUIRED_VARS = {name for name, field in SETTINGS_FIELDS.items() if field.is_required()}


def documented(default: Any) -> str | None:
    """A model default as server.json writes it (a string), or None for no default."""
    if default is None or default in ((), frozenset()):
        return None
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    assert SERVER_JSON.is_file(), f"server.json missing at {SERVER_JSON}"
    loaded: dict[str, Any] = json.loads(SERVER_JSON.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    # default=None: a schema whose $schema names no known draft must not silently be
    # checked with whatever draft jsonschema considers the latest.
    cls = validator_for(schema, default=None)
    assert cls is not None, f"jsonschema does not know the draft {schema.get('$schema')!r}"
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def package(manifest: dict[str, Any]) -> dict[str, Any]:
    pypi = [p for p in manifest.get("packages", []) if p.get("registryType") == "pypi"]
    assert len(pypi) == 1, f"expected exactly one PyPI package entry, found {len(pypi)}"
    return pypi[0]


@pytest.fixture(scope="module")
def env_vars(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = package.get("environmentVariables", [])
    names = [entry["name"] for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"environment variables declared twice: {duplicates}"
    return {entry["name"]: entry for entry in entries}


def _pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def _errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found]


def _properties(schema: dict[str, Any], definition: str) -> set[str]:
    """Every property name a definition allows, following its allOf/$ref chain."""
    node = schema["definitions"][definition]
    names = set(node.get("properties", {}))
    for part in node.get("allOf", []):
        if "$ref" in part:
            names |= _properties(schema, part["$ref"].rsplit("/", 1)[-1])
        names |= set(part.get("properties", {}))
    return names


def test_manifest_is_valid_against_the_registry_schema(
    validator: jsonschema.protocols.Validator, manifest: dict[str, Any]
) -> None:
    errors = _errors(validator, manifest)
    assert not errors, "server.json does not match server.schema.json:\n" + "\n".join(errors)


def test_validator_rejects_a_broken_manifest(
    validator: jsonschema.protocols.Validator, manifest: dict[str, Any]
) -> None:
    # Proves the validation above has teeth: the same validator must object to these.
    broken = copy.deepcopy(manifest)
    broken["description"] = "x" * 101
    broken["name"] = "no-slash-here"
    broken["packages"][0]["version"] = "latest"
    broken["packages"][0]["environmentVariables"][0]["isSecret"] = "yes"
    errors = "\n".join(_errors(validator, broken))
    for where in (
        "description",
        "name",
        "packages/0/version",
        "packages/0/environmentVariables/0",
    ):
        assert re.search(rf"^{re.escape(where)}\b", errors, re.MULTILINE), (where, errors)


def test_manifest_names_the_schema_it_was_written_for(
    schema: dict[str, Any], manifest: dict[str, Any]
) -> None:
    assert manifest["$schema"] == SCHEMA_URL
    assert schema["$id"] == SCHEMA_URL, "the reference schema is not the 2025-12-11 one"


def test_only_keys_the_schema_defines_are_used(
    schema: dict[str, Any], manifest: dict[str, Any], package: dict[str, Any]
) -> None:
    assert set(manifest) <= _properties(schema, "ServerDetail"), set(manifest) - _properties(
        schema, "ServerDetail"
    )
    assert set(package) <= _properties(schema, "Package"), set(package) - _properties(
        schema, "Package"
    )
    variable_keys = _properties(schema, "KeyValueInput")
    assert {"isRequired", "isSecret", "default", "description"} <= variable_keys
    for entry in package["environmentVariables"]:
        unknown = set(entry) - variable_keys
        assert not unknown, f"{entry['name']} uses keys the schema does not define: {unknown}"
    if "repository" in manifest:
        assert set(manifest["repository"]) <= _properties(schema, "Repository")


def test_versions_match_pyproject(manifest: dict[str, Any], package: dict[str, Any]) -> None:
    project = _pyproject()
    assert manifest["version"] == project["version"]
    assert package["version"] == project["version"]
    assert package["identifier"] == project["name"]
    assert package["transport"] == {"type": "stdio"}


def test_description_fits_the_registry_limit(manifest: dict[str, Any]) -> None:
    description = manifest["description"]
    assert description.strip() == description
    assert 1 <= len(description) <= 100, len(description)


def test_name_matches_the_repository_owner(manifest: dict[str, Any]) -> None:
    # The registry only lets io.github.<owner>/... be published by that GitHub owner.
    match = re.fullmatch(r"io\.github\.([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)", manifest["name"])
    assert match, manifest["name"]
    repository = manifest.get("repository")
    if repository is not None:
        # jsonschema has no "uri" format checker without optional extras, so check here.
        url = urlsplit(repository["url"])
        assert url.scheme == "https"
        assert url.netloc == "github.com"
        assert repository["source"] == "github"
        assert url.path.strip("/").split("/")[0].lower() == match.group(1).lower()


def test_every_variable_is_declared_with_a_description(
    env_vars: dict[str, dict[str, Any]],
) -> None:
    assert set(env_vars) == set(SETTINGS_FIELDS), "server.json and the settings disagree"
    for name, entry in env_vars.items():
        assert entry.get("description", "").strip(), f"{name} has no description"


def test_required_variables_are_marked_required(env_vars: dict[str, dict[str, Any]]) -> None:
    required = {name for name, entry in env_vars.items() if entry.get("isRequired") is True}
    assert required == REQUIRED_VARS
    for name in REQUIRED_VARS:
        assert "default" not in env_vars[name], f"{name} is required, so a default is moot"


def test_required_variables_match_the_settings_model(
    env_vars: dict[str, dict[str, Any]],
) -> None:
    # Whatever HaloSettings cannot start without must be flagged required for clients.
    needed = {
        field.alias
        for field in HaloSettings.model_fields.values()
        if field.alias and field.is_required()
    }
    assert needed
    declared_required = {n for n, e in env_vars.items() if e.get("isRequired") is True}
    assert needed == declared_required


def test_client_secret_is_the_only_secret(env_vars: dict[str, dict[str, Any]]) -> None:
    assert env_vars["HALOPSA_CLIENT_SECRET"].get("isSecret") is True
    secrets = {name for name, entry in env_vars.items() if entry.get("isSecret") is True}
    assert secrets == SECRET_VARS
    assert "default" not in env_vars["HALOPSA_CLIENT_SECRET"]


def test_documented_defaults_are_the_real_ones(env_vars: dict[str, dict[str, Any]]) -> None:
    for name, field in SETTINGS_FIELDS.items():
        expected = None if field.is_required() else documented(field.default)
        assert env_vars[name].get("default") == expected, name


def test_numeric_and_boolean_variables_say_so(env_vars: dict[str, dict[str, Any]]) -> None:
    for name, field in SETTINGS_FIELDS.items():
        kind = field.annotation
        if kind in (int, float, int | None, float | None):
            assert env_vars[name].get("format") == "number", name
        if kind is bool:
            assert env_vars[name].get("format") == "boolean", name
