"""The text block's table: one line per row, whatever the rows' text holds."""

import json

from halopsa_mcp.server.compact import text_of


def test_ticket_text_cannot_fake_a_row_or_a_column() -> None:
    rows = [
        {"id": 1, "summary": 'Printer, "again"\n2,Fake ticket', "status_id": 1, "status": "New"},
        {"id": 2, "summary": " padded ", "status_id": 9, "status": None},
        {"id": 3, "summary": "", "status_id": None, "status": None},
    ]
    head, name, header, *lines = text_of({"total": 3, "tickets": rows}).split("\n")
    assert json.loads(head) == {"total": 3}
    assert name == "tickets:"
    # status_id stays: one row has an ID whose name is unknown.
    assert header == "id,summary,status_id,status"
    assert lines == [
        '1,"Printer, \\"again\\"\\n2,Fake ticket",1,New',
        '2," padded ",9,',
        '3,"",,',
    ]


def test_an_id_column_named_in_every_row_is_left_out_and_times_lose_seconds() -> None:
    rows = [
        {"id": 7, "agent_id": 0, "agent": None, "created": "2026-11-01T06:05:09",
         "last_action": "2026-11-02T07:08:09.123", "ok": True},
        {"id": 8, "agent_id": 4, "agent": "Ann", "created": None, "last_action": None,
         "ok": False},
    ]  # fmt: skip
    assert text_of({"rows": rows}).split("\n")[2:] == [
        "id,agent,created,last_action,ok",
        "7,,2026-11-01,2026-11-02T07:08,true",
        "8,Ann,,,false",
    ]


def test_results_without_one_list_of_flat_rows_stay_compact_json() -> None:
    for result in (
        {"statuses": [{"id": 1, "ticket_type_ids": [1, 2]}]},
        {"a": [{"id": 1}], "b": [{"id": 2}]},
        {"tickets": [], "total": 0},
    ):
        assert text_of(result) == json.dumps(result, separators=(",", ":"))


def test_the_line_before_a_table_leaves_out_fields_that_are_null() -> None:
    """search_directory's other kinds are null beside the one it lists: no news."""
    head = text_of({"clients": None, "total": 1, "agents": [{"id": 3, "name": "Tom"}]})
    assert json.loads(head.split("\n")[0]) == {"total": 1}
