"""Names an agent gives, matched to the instance's records: pure, no HaloPSA."""

from halopsa_mcp.rules.names import MAX_CANDIDATES, named_like, resolve_name, search_term
from halopsa_mcp.rules.verdict import Problem

CLIENTS = [
    (12, "Harbourside Dental Group"),
    (15, "Northgate Logistics Ltd"),
    (18, "Bramley & Finch Solicitors"),
    (23, "Meridian Architecture Studio"),
    (40, "Harbourside Dental"),
    (41, "Harbourside Marina"),
]
AGENTS = [(1, "Sam Patel"), (2, "Samantha Reyes"), (3, "Alex Sam-Jones"), (4, "Chris Doe")]


def pick(given: str, candidates: list[tuple[int, str]] = CLIENTS) -> int | Problem:
    return resolve_name("client_id", "client", given, candidates, find_with="search_directory")


def test_an_exact_name_in_any_case_and_spacing_wins_over_longer_ones() -> None:
    assert pick("harbourside  DENTAL") == 40


def test_a_unique_part_of_a_name_is_enough() -> None:
    assert pick("meridian") == 23
    assert pick("  northgate logistics ") == 15


def test_words_match_in_any_order_and_without_punctuation() -> None:
    assert pick("Finch Bramley") == 18


def test_whole_words_beat_parts_of_words() -> None:
    assert pick("sam", AGENTS) == 1
    assert pick("samantha", AGENTS) == 2


def test_an_ambiguous_name_is_refused_listing_every_candidate_with_its_id() -> None:
    problem = pick("harbourside")
    assert isinstance(problem, Problem)
    assert problem.field == "client_id"
    assert "3 clients" in problem.message
    assert "'harbourside'" in problem.message
    for candidate in (
        "12 Harbourside Dental Group",
        "40 Harbourside Dental",
        "41 Harbourside Marina",
    ):
        assert candidate in problem.fix
    assert "search_directory" in problem.fix


def test_an_unknown_name_is_refused_naming_the_tool_that_finds_ids() -> None:
    problem = pick("Contoso")
    assert isinstance(problem, Problem)
    assert problem.message == "no client is named like 'Contoso'"
    assert "search_directory" in problem.fix


def test_the_candidates_listed_are_capped_with_a_count_of_the_rest() -> None:
    many = [(i, f"Clinic {i}") for i in range(1, 31)]
    problem = pick("clinic", many)
    assert isinstance(problem, Problem)
    assert f"{MAX_CANDIDATES} Clinic {MAX_CANDIDATES}" in problem.fix
    assert f"(and {30 - MAX_CANDIDATES} more)" in problem.fix
    assert f"{MAX_CANDIDATES + 1} Clinic" not in problem.fix


def test_listing_keeps_every_name_holding_each_word() -> None:
    assert [i for i, _ in named_like("sam", AGENTS)] == [1, 2, 3]
    assert [i for i, _ in named_like("", AGENTS)] == [1, 2, 3, 4]
    assert named_like("zed", AGENTS) == []


def test_the_search_term_is_the_longest_word_without_punctuation() -> None:
    assert search_term("Finch, Bramley &") == "bramley"
    assert search_term(" & ") == ""


def test_statuses_are_named_in_the_plural_right() -> None:
    statuses = [(1, "Waiting on Customer"), (2, "Waiting on Supplier")]
    problem = resolve_name("status_id", "status", "waiting", statuses, find_with="list_statuses")
    assert isinstance(problem, Problem)
    assert problem.message == "'waiting' matches 2 statuses"


def test_with_nothing_matched_the_candidates_there_were_are_offered() -> None:
    outcomes = [(3, "Internal Note"), (4, "Customer Update")]
    problem = resolve_name("outcome_id", "outcome", "private note", outcomes, find_with="X")
    assert isinstance(problem, Problem)
    assert problem.message == "no outcome is named like 'private note'"
    assert problem.fix.startswith("use one of: 3 Internal Note, 4 Customer Update")
