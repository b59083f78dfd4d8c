"""The sandbox's strict checks of query strings and bodies against the OpenAPI names."""

import pytest

from halopsa_mcp.sandbox.openapi import SpecError, check_object, parse_query


def test_query_values_are_converted_to_their_kind() -> None:
    parsed = parse_query(
        "GET /Tickets",
        [("client_id", "12"), ("open_only", "TRUE"), ("search", "vpn"), ("utcoffset", "-1.5")],
    )
    assert parsed == {"client_id": 12, "open_only": True, "search": "vpn", "utcoffset": -1.5}


def test_a_repeated_parameter_keeps_its_last_value() -> None:
    assert parse_query("GET /Tickets", [("count", "1"), ("count", "2")]) == {"count": 2}


@pytest.mark.parametrize(
    ("operation", "items", "message"),
    [
        ("GET /Tickets", [("team_id", "1")], "'team_id' is not a query parameter of GET /api/"),
        ("GET /Tickets/{id}", [("id", "5")], "'id' is not a query parameter"),
        ("GET /Tickets", [("count", "1.5")], "'count' of GET /api/Tickets must be an integer"),
        ("GET /Tickets", [("pageinate", "1")], "must be a boolean, got '1'"),
        ("GET /Tickets", [("utcoffset", "east")], "must be a number"),
    ],
)  # fmt: skip
def test_bad_query_strings(operation: str, items: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query(operation, items)


def test_objects_accept_null_and_integer_for_number() -> None:
    check_object("Faults", {"id": None, "summary": None, "timetaken": 2}, "POST /Tickets")
    check_object("Actions", {"timetaken": 0.25, "hiddenfromuser": False}, "POST /Actions")


@pytest.mark.parametrize(
    ("schema", "obj", "message"),
    [
        ("Faults", {"foo": 1}, "sandbox: 'foo' is not a field of Faults (POST /api/Tickets)"),
        ("Faults", {"client_id": True}, "'client_id' of Faults (POST /api/Tickets) must be an"),
        ("Faults", {"client_id": 1.5}, "must be an integer, got 1.5"),
        ("Faults", {"timetaken": "2"}, "must be a number"),
        ("Faults", {"summary": 5}, "must be a string"),
        ("Faults", {"onhold": "yes"}, "must be a boolean"),
        ("Faults", {"attachments": {}}, "must be an array"),
    ],
)  # fmt: skip
def test_bad_objects(schema: str, obj: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError) as error:
        check_object(schema, obj, "POST /Tickets")
    assert message in str(error.value)
