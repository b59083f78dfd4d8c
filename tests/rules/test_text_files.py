"""Which attachments are read back as text, and how their bytes become text."""

import pytest

from halopsa_mcp.rules.files import TEXT_READ_LIMIT, text_of, unreadable_as_text


@pytest.mark.parametrize("name", ["backup.log", "Notes.TXT", "data.csv", "page.html", "x.json"])
def test_small_text_files_are_read(name: str) -> None:
    assert unreadable_as_text(name, 10) is None
    assert unreadable_as_text(name, TEXT_READ_LIMIT) is None


@pytest.mark.parametrize(
    ("name", "size", "said"),
    [
        ("photo.png", 10, "not a text file"),
        ("setup.exe", 10, "not a text file"),
        ("noextension", 10, "not a text file"),
        ("big.log", TEXT_READ_LIMIT + 1, "64 KB"),
        ("unknown.txt", None, "did not give its size"),
    ],
)
def test_anything_else_says_why(name: str, size: int | None, said: str) -> None:
    assert said in (unreadable_as_text(name, size) or "")


def test_text_is_utf8_without_nul() -> None:
    assert text_of("café".encode()) == "café"
    assert text_of(b"\xef\xbb\xbfhello") == "hello"
    assert text_of("café".encode("latin-1")) is None
    assert text_of(b"MZ\x00\x01") is None
