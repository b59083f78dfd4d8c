from dataclasses import replace
from typing import Any

import pytest

from halopsa_mcp.rules.actions import ActionPlan, NewAction, plan_action
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.tickets import TicketState
from halopsa_mcp.rules.verdict import Problem
from tests.rules.catalogs import CHANGE, DEFAULT, INCIDENT, REMAPPED
from tests.rules.plans import written

TICKET = TicketState(
    id=1116,
    client_id=12,
    status_id=2,
    ticket_type_id=INCIDENT,
    sla_id=1,
    agent_id=3,
    has_resolution=False,
)
NOTE = NewAction(ticket_id=1116, note="Checked the mail profile.")
# Zero-width space and joiner, word joiner, BOM, a bidi override: text nobody can see.
INVISIBLE = "\u200b\u200d\u2060\ufeff\u202e"
OUTCOMES_INCIDENT = (
    "use one of: 1 Private Note, 2 Customer Update, 4 Time Entry, 5 Start Work, 7 Resolve, 8 Close"
)


def plan(
    action: NewAction,
    ticket: TicketState | None = TICKET,
    catalog: Catalog = DEFAULT,
    default_outcome: str = "Private Note",
) -> ActionPlan:
    return plan_action(action, ticket, catalog, default_outcome=default_outcome)


def only_error(result: ActionPlan) -> Problem:
    (error,) = result.verdict.errors
    return error


def test_a_note() -> None:
    result = plan(replace(NOTE, note="Checked <profile>.\nRebuilt it."))
    assert result.verdict.ok
    assert result.verdict.warnings == ()
    assert written(result) == {
        "ticket_id": 1116,
        "outcome_id": 1,
        "note_html": "<p>Checked &lt;profile&gt;.<br>Rebuilt it.</p>",
        "hidden_from_user": True,
        "send_email": False,
    }


def test_every_field_is_written() -> None:
    action = NewAction(
        ticket_id=1116,
        note="Called the user.",
        time_minutes=45,
        outcome_id=2,
        new_status_id=5,
        visible_to_customer=True,
        billable=False,
    )
    result = plan(action)
    assert result.verdict.ok
    assert written(result) == {
        "ticket_id": 1116,
        "outcome_id": 2,
        "note_html": "<p>Called the user.</p>",
        "hidden_from_user": False,
        "hours": 0.75,
        "new_status_id": 5,
        "billable": False,
        "send_email": False,
    }


def test_unknown_ticket() -> None:
    result = plan(NOTE, ticket=None)
    error = only_error(result)
    assert (error.field, error.message) == ("ticket_id", "ticket 1116 does not exist")
    assert "search_tickets" in error.fix


@pytest.mark.parametrize(
    ("note", "minutes", "errors"),
    [
        (None, None, ["note"]),
        ("", None, ["note"]),
        (" \n ", None, ["note"]),
        (None, 0, ["note"]),
        (None, 30, []),
        ("  ", 30, []),
        ("Done", 0, []),
        ("Done", -5, ["time_minutes"]),
        (None, -5, ["note", "time_minutes"]),
        ("Done", float("nan"), ["time_minutes"]),
        ("Done", float("inf"), ["time_minutes"]),
        ("Done", 1440, []),
        ("Done", 1440.5, ["time_minutes"]),
        (None, 3000, ["time_minutes"]),
        # Under a minute is nothing in HaloPSA's hours.
        ("Done", 0.5, ["time_minutes"]),
        ("Done", 0.999, ["time_minutes"]),
        (None, 0.01, ["time_minutes"]),
        ("Done", 1, []),
        (None, 1, []),
        # A note of invisible characters is no note.
        (INVISIBLE, None, ["note"]),
        ("\x00\x07\n\t", None, ["note"]),
        (INVISIBLE, 30, []),
    ],
)
def test_note_and_time(note: str | None, minutes: float | None, errors: list[str]) -> None:
    result = plan(NewAction(ticket_id=1116, note=note, time_minutes=minutes))
    assert [e.field for e in result.verdict.errors] == errors


def test_note_required_explains_time_only() -> None:
    error = only_error(plan(NewAction(ticket_id=1116)))
    assert error.message == "a note is required unless the action only logs time"
    assert "time_minutes" in error.fix


@pytest.mark.parametrize("note", [" ", INVISIBLE])
def test_time_only_sends_no_note(note: str) -> None:
    result = plan(NewAction(ticket_id=1116, note=note, time_minutes=90))
    assert "note_html" not in written(result)
    assert written(result)["hours"] == 1.5


def test_note_is_cleaned() -> None:
    note = f"Reset\u202e the{INVISIBLE} password\x00.\r\nDone\ufeff."
    result = plan(replace(NOTE, note=note))
    assert result.verdict.ok
    assert written(result)["note_html"] == "<p>Reset the password.<br>Done.</p>"


def test_under_a_minute_says_to_log_a_minute() -> None:
    error = only_error(plan(replace(NOTE, time_minutes=0.5)))
    assert error.field == "time_minutes"
    assert (
        error.message == "0.5 minutes is under a minute, which rounds to nothing in HaloPSA's hours"
    )
    assert error.fix == "log at least 1 minute, or leave time_minutes out"


def test_too_much_time_says_minutes() -> None:
    error = only_error(plan(replace(NOTE, time_minutes=1500)))
    assert error.message == "1500 minutes is more than a day (1440 minutes) in one action"
    assert "MINUTES" in error.fix


@pytest.mark.parametrize(("minutes", "hours"), [(1, 0.0167), (30, 0.5), (45, 0.75), (120, 2.0)])
def test_minutes_become_hours(minutes: float, hours: float) -> None:
    assert written(plan(replace(NOTE, time_minutes=minutes)))["hours"] == hours


def test_unknown_outcome() -> None:
    result = plan(replace(NOTE, outcome_id=77))
    error = only_error(result)
    assert (error.field, error.message) == ("outcome_id", "outcome 77 does not exist")
    assert error.fix == OUTCOMES_INCIDENT
    assert "outcome_id" not in written(result)


@pytest.mark.parametrize(
    ("default", "outcome_id"), [("Private Note", 1), ("customer update", 2), (" TIME  entry", 4)]
)
def test_default_outcome_by_name(default: str, outcome_id: int) -> None:
    result = plan(NOTE, default_outcome=default)
    assert result.verdict.ok
    assert written(result)["outcome_id"] == outcome_id


def test_given_outcome_wins_over_the_default() -> None:
    assert written(plan(replace(NOTE, outcome_id=2)))["outcome_id"] == 2


def test_a_missing_default_outcome_falls_back_to_the_private_note_by_its_settings() -> None:
    result = plan(NOTE, default_outcome="Internal Note")
    assert written(result)["outcome_id"] == 1
    (warning,) = result.verdict.warnings
    assert "no 'Internal Note' outcome; used 1 Private Note" in warning


def test_no_default_outcome() -> None:
    # No outcome of the ticket's type is a private note by its settings either.
    notes = [o for o in DEFAULT.outcomes if o.hidden_from_user and o.new_status_id is None]
    catalog = replace(DEFAULT, outcomes=tuple(o for o in DEFAULT.outcomes if o not in notes))
    error = only_error(plan(NOTE, catalog=catalog, default_outcome="Note"))
    assert error.field == "outcome_id"
    assert error.message == "no outcome_id given, and there is no 'Note' outcome to use"
    assert error.fix.startswith("pass outcome_id: use one of: 2 Customer Update")


def test_outcome_not_used_by_the_ticket_type() -> None:
    error = only_error(plan(replace(NOTE, outcome_id=10)))
    assert error.field == "outcome_id"
    assert error.message == "outcome 10 Approve Change is not used by ticket type 1 Incident"
    assert error.fix == OUTCOMES_INCIDENT


def test_outcome_for_its_own_type_sets_its_status() -> None:
    change = replace(TICKET, ticket_type_id=CHANGE, sla_id=3)
    result = plan(replace(NOTE, outcome_id=10), change)
    assert result.verdict.ok
    assert written(result)["new_status_id"] == 23


# Outcomes 5, 7 and 8 are visible to customers by default: a hidden note says so.
SHOWN = "visible to the customer by default"


@pytest.mark.parametrize(
    ("action", "ticket", "errors", "warnings"),
    [
        # The Resolve outcome implies status 8: its note is the resolution.
        (NewAction(1116, time_minutes=20, outcome_id=7), TICKET, ["outcome_id"], []),
        (NewAction(1116, note="Rebuilt the profile.", outcome_id=7), TICKET, [], [SHOWN]),
        (
            NewAction(1116, time_minutes=20, outcome_id=7),
            replace(TICKET, has_resolution=True),
            [],
            [],
        ),
        (
            NewAction(1116, note="Fixed.", outcome_id=8),
            replace(TICKET, status_id=1),
            [],
            [SHOWN, "moving to 9 Closed without an In Progress step"],
        ),
        # An explicit status is blamed on new_status_id.
        (NewAction(1116, time_minutes=20, new_status_id=9), TICKET, ["new_status_id"], []),
        (NewAction(1116, note="Fixed.", new_status_id=9), TICKET, [], []),
        (NewAction(1116, note="Fixed.", new_status_id=77), TICKET, ["new_status_id"], []),
        (NewAction(1116, note="Fixed.", new_status_id=23), TICKET, ["new_status_id"], []),
        # Start Work moves to In Progress: warn when nobody is assigned.
        (NewAction(1116, note="On it.", outcome_id=5), replace(TICKET, status_id=1), [], [SHOWN]),
        (
            NewAction(1116, note="On it.", outcome_id=5, visible_to_customer=True),
            replace(TICKET, status_id=1, agent_id=None),
            [],
            ["2 In Progress with no agent assigned"],
        ),
        # Already in the status: nothing to check.
        (
            NewAction(1116, note="Still on it.", outcome_id=5, visible_to_customer=True),
            TICKET,
            [],
            [],
        ),
        (NewAction(1116, time_minutes=5, new_status_id=8), replace(TICKET, status_id=8), [], []),
        # A note on a closed ticket that moves it on reopens it.
        (
            NewAction(1116, note="User says it is back.", new_status_id=2),
            replace(TICKET, status_id=9, has_resolution=True),
            [],
            ["the ticket is being reopened"],
        ),
    ],
)
def test_status_changes(
    action: NewAction, ticket: TicketState, errors: list[str], warnings: list[str]
) -> None:
    verdict = plan(action, ticket).verdict
    assert [e.field for e in verdict.errors] == errors
    assert len(verdict.warnings) == len(warnings)
    assert all(w in got for w, got in zip(warnings, verdict.warnings, strict=True))


@pytest.mark.parametrize(
    ("action", "warnings"),
    [
        # An explicit status other than the outcome's own wins, and says so.
        (
            NewAction(1116, note="Not fixed yet.", outcome_id=7, new_status_id=2),
            (
                "outcome 7 Resolve would set 8 Resolved; "
                "new_status_id 2 In Progress is used instead",
            ),
        ),
        (
            NewAction(1116, note="Parked.", outcome_id=5, new_status_id=5),
            (
                "outcome 5 Start Work would set 2 In Progress; new_status_id 5 Waiting on Client "
                "is used instead",
            ),
        ),
        (NewAction(1116, note="Fixed.", outcome_id=7, new_status_id=8), ()),
        (NewAction(1116, note="Asked.", outcome_id=1, new_status_id=5), ()),
        (NewAction(1116, note="Asked.", new_status_id=5), ()),
        (NewAction(1116, note="Fixed.", outcome_id=7), ()),
    ],
)
def test_explicit_status_over_the_outcomes(action: NewAction, warnings: tuple[str, ...]) -> None:
    # Visible, so only the status warning can show.
    verdict = plan(replace(action, visible_to_customer=True)).verdict
    assert verdict.ok
    assert verdict.warnings == warnings


def test_explicit_unknown_status_over_the_outcomes() -> None:
    action = NewAction(1116, note="x", outcome_id=8, new_status_id=77, visible_to_customer=True)
    verdict = plan(action).verdict
    assert [e.field for e in verdict.errors] == ["new_status_id"]
    assert verdict.warnings == (
        "outcome 8 Close would set 9 Closed; new_status_id 77 is used instead",
    )


CUSTOMER_UPDATE_HIDDEN = (
    "outcome 2 Customer Update is visible to the customer by default, but the note will be "
    "internal; pass visible_to_customer=true to show it to the customer"
)


@pytest.mark.parametrize(
    ("action", "warnings"),
    [
        (NewAction(1116, note="Replied.", outcome_id=2), (CUSTOMER_UPDATE_HIDDEN,)),
        (NewAction(1116, note="Replied.", outcome_id=2, visible_to_customer=True), ()),
        # Private Note is hidden by default: hidden as asked, or shown on purpose.
        (NewAction(1116, note="Internal."), ()),
        (NewAction(1116, note="Internal.", outcome_id=1), ()),
        (NewAction(1116, note="Shown.", outcome_id=1, visible_to_customer=True), ()),
        # No note, nothing shown either way.
        (NewAction(1116, time_minutes=30, outcome_id=2), ()),
        (NewAction(1116, note=INVISIBLE, time_minutes=30, outcome_id=2), ()),
    ],
)
def test_customer_visible_outcome_sent_hidden(action: NewAction, warnings: tuple[str, ...]) -> None:
    verdict = plan(action).verdict
    assert verdict.ok
    assert verdict.warnings == warnings


def test_resolving_without_a_note_says_to_write_one() -> None:
    error = only_error(plan(NewAction(1116, time_minutes=20, outcome_id=7)))
    assert (
        error.message == "status 8 Resolved closes the ticket and needs a resolution (closure note)"
    )
    assert error.fix == "write the resolution (what fixed the problem) in the action's note"


@pytest.mark.parametrize(
    ("action", "new_status"),
    [
        (NOTE, None),
        (replace(NOTE, outcome_id=7), 8),
        (replace(NOTE, new_status_id=5), 5),
        (replace(NOTE, outcome_id=7, new_status_id=9), 9),  # explicit wins, with a warning
    ],
)
def test_new_status_is_sent_explicitly(action: NewAction, new_status: int | None) -> None:
    assert written(plan(action)).get("new_status_id") == new_status


def test_resolve_on_a_remapped_instance_needs_a_note() -> None:
    ticket = TicketState(5, 12, 12, INCIDENT, 1, 2, has_resolution=False)
    action = NewAction(5, time_minutes=10)
    result = plan(replace(action, outcome_id=7), ticket, REMAPPED, default_outcome="Note")
    assert [e.field for e in result.verdict.errors] == ["outcome_id"]
    assert written(result)["new_status_id"] == 18
    assert plan(action, ticket, REMAPPED, default_outcome="Note").verdict.ok


@pytest.mark.parametrize(("visible", "hidden"), [(False, True), (True, False)])
def test_visible_to_customer(visible: bool, hidden: bool) -> None:
    assert written(plan(replace(NOTE, visible_to_customer=visible)))["hidden_from_user"] is hidden


@pytest.mark.parametrize(("billable", "sent"), [(None, {}), (True, {"billable": True})])
def test_billable_only_when_given(billable: bool | None, sent: dict[str, Any]) -> None:
    fields = written(plan(replace(NOTE, billable=billable)))
    assert {k: v for k, v in fields.items() if k == "billable"} == sent


def test_all_violations_together() -> None:
    action = NewAction(1116, time_minutes=-1, outcome_id=77)
    result = plan(action, ticket=None)
    assert [e.field for e in result.verdict.errors] == [
        "ticket_id",
        "note",
        "time_minutes",
        "outcome_id",
    ]


def test_newest_first_sorts_by_date_then_id_across_date_forms() -> None:
    from halopsa_mcp.domain.records import Action
    from halopsa_mcp.rules.actions import newest_first

    actions = [
        Action(id=1, ticket_id=9, when="2024-03-01T10:00:00Z"),
        Action(id=2, ticket_id=9, when=None),
        Action(id=3, ticket_id=9, when="2024-03-01T10:00:00"),
        Action(id=4, ticket_id=9, when="2024-03-02T08:00:00.123"),
        Action(id=5, ticket_id=9, when="not a date"),
    ]
    assert [a.id for a in newest_first(actions)] == [4, 3, 1, 5, 2]


def test_the_private_note_is_found_by_its_settings_and_named_a_note_first() -> None:
    from halopsa_mcp.domain.records import Outcome
    from halopsa_mcp.rules.actions import private_note

    call = Outcome(3, "Phone Call", None, hidden_from_user=True)
    note = Outcome(9, "Internal Note", None, hidden_from_user=True)
    update = Outcome(2, "Customer Update", None, hidden_from_user=False)
    resolve = Outcome(5, "Resolve Note", 9, hidden_from_user=True)
    assert private_note([resolve, update, call, note]) == note
    assert private_note([update, call]) == call
    assert private_note([update, resolve]) is None


def test_a_customer_visible_note_to_a_ticket_with_no_end_user_warns() -> None:
    nobody = replace(TICKET, has_end_user=False)
    shown = plan(replace(NOTE, visible_to_customer=True, outcome_id=2), nobody)
    assert shown.verdict.ok
    (warning,) = [w for w in shown.verdict.warnings if "end user" in w]
    assert "ticket 1116 has no end user" in warning
    assert "nobody" in warning
    # Internal notes, and tickets with an end user, have nothing to warn about.
    hidden = plan(NOTE, nobody)
    seen = plan(replace(NOTE, visible_to_customer=True, outcome_id=2), TICKET)
    assert not [w for w in (*hidden.verdict.warnings, *seen.verdict.warnings) if "end user" in w]
