"""The file name a download's Content-Disposition gives (RFC 6266)."""

import pytest

from halopsa_mcp.client.download import filename


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "attachment; filename=\"plan.pdf\"; filename*=UTF-8''Ann%C3%A9e%20plan.pdf",
            "Année plan.pdf",
        ),
        ("attachment; FILENAME*=utf-8'en'%E2%82%AC%20rates.pdf", "€ rates.pdf"),
        ("attachment; filename*=nonsense''x.pdf; filename=\"fallback.pdf\"", "fallback.pdf"),
        ('attachment; filename="say \\"hi\\".txt"', 'say "hi".txt'),
        ("attachment; filename=plain.txt; size=3", "plain.txt"),
        ("inline", None),
        ("", None),
        ('attachment; filename=""', None),
    ],
)
def test_the_name_a_download_is_given(header: str, expected: str | None) -> None:
    assert filename(header) == expected
