import pytest

from halopsa_mcp.rules.files import MAX_FILENAME, safe_filename, size_problem


def fullwidth(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01..U+FF5E): look-alikes of ASCII punctuation."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("  spaced name.txt ", "spaced name.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\evil.exe", "evil.exe"),
        (".bashrc", "bashrc"),
        ('a:b*c?<d>|"e".txt', "a_b_c__d___e_.txt"),
        ("tab\there\x00.txt", "tabhere.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
        ("", "attachment"),
        ("...", "attachment"),
        # Dots and blanks that alternate: stripping one kind must not uncover the other.
        (".\u2028.pdf", "pdf"),
        (". . .profile", "profile"),
        ("dir/", "dir"),
        # NFKC: fullwidth dots and slashes are dots and slashes.
        (fullwidth("../../etc/passwd"), "passwd"),
        (fullwidth("..") + "hidden", "hidden"),
        (fullwidth("a\\b:c.txt"), "b_c.txt"),
        ("cafe\u0301.txt", "caf\u00e9.txt"),
        # Windows device names, any case, with or without an extension.
        ("CON", "CON_"),
        ("con", "con_"),
        ("nul.txt", "nul_.txt"),
        ("Aux.tar.gz", "Aux_.tar.gz"),
        ("PRN.", "PRN_."),
        ("COM1", "COM1_"),
        ("com9.log", "com9_.log"),
        ("LPT1.txt", "LPT1_.txt"),
        ("lpt9", "lpt9_"),
        ("NUL .txt", "NUL _.txt"),
        ("reports/aux.h", "aux_.h"),
        (fullwidth("CON"), "CON_"),
        ("COM\u00b9.txt", "COM1_.txt"),  # superscript one: Windows reserves it too
        # Only exactly those names.
        ("COM0", "COM0"),
        ("COM10.txt", "COM10.txt"),
        ("LPT", "LPT"),
        ("console.txt", "console.txt"),
        ("nullable.txt", "nullable.txt"),
        ("notes.nul", "notes.nul"),
        ("my con.txt", "my con.txt"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("x" * 300 + ".pdf", "x" * (MAX_FILENAME - 4) + ".pdf"),
        ("x" * 300, "x" * MAX_FILENAME),
        ("x" * 300 + "." + "e" * 17, ("x" * 300 + "." + "e" * 17)[:MAX_FILENAME]),
        ("nul." + "x" * 300, ("nul_." + "x" * 300)[:MAX_FILENAME]),
    ],
)
def test_long_names_are_cut_keeping_the_extension(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
    assert len(safe) == MAX_FILENAME


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "the file is empty"),
        (1, None),
        (1000, None),
        (1001, "the file is 1,001 bytes, over the 1,000 bytes limit"),
    ],
)
def test_size_problem(size: int, message: str | None) -> None:
    problem = size_problem(size, 1000, "path")
    assert (problem.message if problem else None) == message
    assert problem is None or problem.field == "path"


def test_size_in_mebibytes() -> None:
    problem = size_problem(3 * 1_048_576, 2 * 1_048_576, "content_base64")
    assert problem is not None
    assert problem.message == "the file is 3.00 MiB, over the 2.00 MiB limit"


@pytest.mark.parametrize("over", [1, 1000, 5000])
def test_a_size_just_over_the_limit_shows_the_difference(over: int) -> None:
    limit = 10 * 1_048_576
    problem = size_problem(limit + over, limit, "content_base64")
    assert problem is not None
    size_text, limit_text = problem.message.removeprefix("the file is ").split(", over the ")
    assert size_text != limit_text.removesuffix(" limit"), problem.message
    assert f"{limit + over:,} bytes" in problem.message


def test_round_sizes_stay_in_mebibytes() -> None:
    problem = size_problem(15 * 1_048_576, 10 * 1_048_576, "path")
    assert problem is not None
    assert problem.message == "the file is 15.00 MiB, over the 10.00 MiB limit"
