"""The ticket, SLA and action readers give what they gave before they were made cheaper
(issue 12), for any row: compared with the frozen copy in tests/client/wire_reference.py
over rows whose every field is drawn from what tenants send and worse.

And a body is decoded as json.loads decoded it, or refused as it refused it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from halopsa_mcp.client import wire
from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.client.json_body import parsed
from tests.client import wire_reference as before

# Deterministic in CI: the same examples on every run.
SETTINGS = settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TICKET_KEYS = (
    "id", "summary", "client_id", "client_name", "site_id", "user_id", "status_id",
    "priority_id", "sla_id", "agent_id", "tickettype_id", "datecreated", "dateoccurred",
    "lastactiondate", "respondbydate", "fixbydate", "deadlinedate", "dateclosed",
    "dateresolved", "onhold", "slahold", "excludefromsla", "details_html", "details",
    "site_name", "user_name", "team", "category_1", "closure_note",
)  # fmt: skip
ACTION_KEYS = (
    "id", "ticket_id", "datetime", "actiondatecreated", "who_agentid", "who", "outcome",
    "note_html", "note", "timetaken", "hiddenfromuser", "new_status", "outcome_id",
    "actionby_application_id",
)  # fmt: skip

NASTY = [
    None, "", " ", " 12 ", "12", "0", "-3", "1_000", "\u0661\u0662", "abc", "12.0",
    12, 0, -3, 2**70, 12.0, 12.5, -0.0, math.nan, math.inf, True, False,
    {"id": 12}, [1, "2"], {"date": "2026-11-29"}, [],
]  # fmt: skip
DATES = [
    "2026-07-04T19:32:57", "2026-07-04T19:32:57Z", "2026-07-04T19:32:57z",
    "2026-07-04T19:32:57.1234567Z", "2026-07-04T19:32:57.123", "2026-07-04T21:32:57+02:00",
    "2026-07-04T19:32:57-0530", " 2026-07-04T19:32:57 ", "\t2026-07-04T19:32:57Z\n",
    "2026-07-04", "2026-07-04 19:32", "20260704T193257", "2026-W27-1", "2026-07-04TZ",
    "1900-01-01T00:00:00", "0001-01-01T00:00:00", "0001-01-01T00:00:00+01:00",
    "1901-01-01T00:00:00", "1900-12-31T23:00:00-01:00", "1900-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00-01:00", "2026-02-30T00:00:00",
    "Z", "ZZ", "2026-07-04T19:32:57ZZ", "not a date",
]  # fmt: skip


def _written(moment: datetime, form: int) -> str:
    """A date-time written the ways tenants and proxies write one."""
    zones = ["", "Z", "+00:00", "-05:00", "+13:45"]
    fraction = ["", ".0000000", ".5", ".123456"][form % 4]
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zones[(form // 4) % 5]


dates = st.one_of(
    st.sampled_from(DATES),
    st.builds(
        _written, st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)), st.integers(0, 19)
    ),
)
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)
values = st.one_of(st.sampled_from(NASTY), dates, junk, st.integers(-5, 5), st.text(max_size=12))


def rows(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    # Each key is missing or holds a value; the id is usually usable, so most rows reach
    # every field instead of ending at the first check.
    present = st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))
    ids = st.one_of(st.integers(1, 10**6), st.sampled_from(NASTY))
    return st.builds(lambda row, id_: {**row, "id": id_}, present, ids) | present


def outcome(parse: Callable[[Any], Any], row: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "record", parse(row)
    except HaloResponseError as exc:
        return "refused", str(exc)


def assert_same(new: tuple[str, Any], old: tuple[str, Any]) -> None:
    assert new[0] == old[0]
    if new[0] == "refused":
        assert new == old
        return
    record, expected = new[1], old[1]
    assert type(record) is type(expected)
    # repr tells 1 from 1.0 and True, and a timezone from another; vars, that every
    # field is set and nothing else is.
    assert repr(record) == repr(expected)
    assert vars(record).keys() == vars(expected).keys()
    assert record == expected
    if hasattr(expected, "raw"):
        assert dict(record.raw) == dict(expected.raw)


@SETTINGS
@given(rows(TICKET_KEYS))
@example({"id": 1, "fixbydate": "2026-07-04T19:32:57", "excludefromsla": True})
@example({"id": 1, "datecreated": "", "dateoccurred": "2026-07-04T19:32:57"})
@example({"id": 1, "onhold": "", "slahold": False, "fixbydate": "1900-01-01T00:00:00"})
@example({"id": " 7 ", "client_id": 12.0, "site_id": 0, "user_id": -1, "status_id": True})
def test_a_ticket_row_and_a_ticket_are_read_as_before(row: dict[str, Any]) -> None:
    assert_same(outcome(wire.ticket_row, row), outcome(before.ticket_row, row))
    assert_same(outcome(wire.ticket, row), outcome(before.ticket, row))
    assert wire.sla_facts(row) == before.sla_facts(row)


@SETTINGS
@given(rows(ACTION_KEYS))
@example({"id": 3, "ticket_id": 0.0, "datetime": "", "actiondatecreated": "x", "timetaken": 1})
@example({"id": 3, "note_html": None, "note": "n", "hiddenfromuser": 0, "who_agentid": "4"})
def test_an_action_is_read_as_before(row: dict[str, Any]) -> None:
    assert_same(outcome(wire.action, row), outcome(before.action, row))


@SETTINGS
@given(st.lists(dates, min_size=1, max_size=4))
def test_dates_read_twice_are_read_the_same(sent: list[str]) -> None:
    """A date seen before may be remembered: the second reading equals the first."""
    keys = ("fixbydate", "dateclosed", "respondbydate", "deadlinedate")
    row = dict(zip(keys, sent, strict=False))
    assert wire.sla_facts(row) == wire.sla_facts(row) == before.sla_facts(row)


def test_a_remembered_date_is_the_moment_and_zone_first_read() -> None:
    sent = {"fixbydate": "2026-07-04T21:32:57+02:00", "dateclosed": "2026-07-04T19:32:57"}
    for _ in range(2):
        facts = wire.sla_facts(sent)
        assert facts.fix_by == facts.done_at == datetime(2026, 7, 4, 19, 32, 57, tzinfo=UTC)
        assert facts.fix_by is not None
        assert facts.fix_by.tzinfo is UTC


def _read(decode: Callable[[bytes], Any], body: bytes) -> tuple[str, str]:
    try:
        value = decode(body)
    except (ValueError, RecursionError):
        return "refused", ""
    # repr: NaN is not equal to itself, and 1 and 1.0 compare equal.
    return "value", repr(value)


# Text with lone surrogates too: a .NET string cut inside an emoji.
json_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner),
    max_leaves=20,
)
json_pieces = st.sampled_from(
    [b"{", b"}", b"[", b"]", b'"', b":", b",", b"1", b"-", b".", b"e", b"\\", b"u", b"d8",
     b"00", b"a", b" ", b"\t", b"\x00", b"\xff", b"\xc3\xa9", b"\xed\xa0\x80", b"true",
     b"null", b"NaN", b"Infinity", b"\xef\xbb\xbf", b"\\ud800", b"\\udc00", b"\r\n", b"\x0c"]
)  # fmt: skip


def _encoded(value: object, ascii_: bool, codec: str) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_).encode(codec, errors="surrogatepass")


@SETTINGS
@given(
    st.one_of(
        st.builds(_encoded, json_values, st.booleans(),
                  st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])),
        st.builds(lambda parts: b"".join(parts), st.lists(json_pieces, max_size=16)),
        st.from_regex(rb"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,4})?\Z"),
        st.builds(lambda depth: b"[" * depth + b"]" * depth, st.integers(150, 3000)),
        st.binary(max_size=24),
    )
)  # fmt: skip
def test_a_body_is_decoded_or_refused_as_json_loads_did(body: bytes) -> None:
    assert _read(parsed, body) == _read(before.json_body, body)
