import re
import sys
import unicodedata

import pytest

from halopsa_mcp.rules.text import clean_line, clean_text, minutes_to_hours, text_to_html

# Every control and format character there is, bar the line ends and tab text keeps.
INVISIBLE = "".join(
    ch
    for ch in map(chr, range(sys.maxunicode + 1))
    # \x85 (next line) is a control character but a line break, and kept as one.
    if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t\r\x85"
)


@pytest.mark.parametrize(
    ("value", "single_line", "cleaned"),
    [
        ("", False, ""),
        ("  padded \n", False, "padded"),
        ("tab\tand\nline", False, "tab\tand\nline"),
        ("two  spaces\n\n\nkept", False, "two  spaces\n\n\nkept"),
        ("dos\r\nline\rold mac", False, "dos\nline\nold mac"),
        ("nul\x00bell\x07esc\x1b[0mdel\x7f c1\x85\x9b", False, "nulbellesc[0mdel c1"),
        ("zero\u200bwidth\u200c\u200d\u2060joined", False, "zerowidthjoined"),
        ("invoice\u202efdp.exe", False, "invoicefdp.exe"),  # shows as "invoiceexe.pdf"
        ("\u2066isolated\u2069 \u200fmarks\u200e", False, "isolated marks"),
        ("\ufeffBOM", False, "BOM"),
        ("soft\u00adhyphen", False, "softhyphen"),
        ("tag\U000e0041\U000e0042s", False, "tags"),  # invisible "AB" for a model to read
        ("\u200b \u202e\ufeff\n\t", False, ""),
        ("cafe\u0301", False, "caf\u00e9"),  # NFC: one character, as typed
        ("\ufb01le \uff21", False, "\ufb01le \uff21"),  # NFC, not NFKC: shown as given
        ("one\ntwo", True, "one two"),
        ("  a \t\n\r\n  b  ", True, "a b"),
        ("two  spaces", True, "two spaces"),
        ("no\u00a0break\u2003em\u2028line", True, "no break em line"),
        ("zero\u200b\nwidth", True, "zero width"),
        ("\u200b\n\u202e", True, ""),
        ("one\u2028two\u2029three\x85four", False, "one\ntwo\nthree\nfour"),
        ("one\u2028two", True, "one two"),
        # Each line end alone, as the only character that needs replacing.
        ("next\x85line", False, "next\nline"),
        ("para\u2029graph", False, "para\ngraph"),
        ("line\u2028sep", False, "line\nsep"),
        ("old\rmac", False, "old\nmac"),
        ("hidden\ufe0f\U000e0100\u3164\u2800text", False, "hiddentext"),
    ],
)
def test_clean_text(value: str, single_line: bool, cleaned: str) -> None:
    assert clean_text(value, single_line=single_line) == cleaned


# Smuggling hides bytes in runs of variation selectors: one selector per byte, after a
# visible character or on their own.
HIDDEN_BYTES = "".join(chr(0xFE00 + b % 16) + chr(0xE0100 + b) for b in b"secret")


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("❤️", "❤️"),  # red heart, emoji presentation
        ("❤︎", "❤︎"),  # the same heart, text presentation
        ("👍🏽", "👍🏽"),  # thumbs up, skin tone
        ("1️⃣ #️⃣", "1️⃣ #️⃣"),  # keycaps
        ("🇳🇴 🇯🇵", "🇳🇴 🇯🇵"),
        ("‼️ ©️ ↔️", "‼️ ©️ ↔️"),
        ("辻󠄀", "辻󠄀"),  # a kanji's registered glyph variant
        ("∩︀", "∩︀"),  # a math symbol's standardized variant
        ("thanks ❤️!", "thanks ❤️!"),
        # A selector repeated, alone, or after a character it cannot modify is hidden text.
        ("❤️️️", "❤️"),
        (f"❤️{HIDDEN_BYTES}", "❤️"),
        (f"hi{HIDDEN_BYTES}!", "hi!"),
        (f"{HIDDEN_BYTES}", ""),
        ("️start", "start"),
        ("a️b󠄀c", "abc"),
        ("❤​️", "❤"),  # the base was cut off by a dropped character
        ("辻️", "辻"),
    ],
)
def test_variation_selectors_kept_only_on_a_base_they_modify(value: str, cleaned: str) -> None:
    assert clean_text(value) == cleaned
    assert clean_text(value, single_line=True) == cleaned


@pytest.mark.parametrize("single_line", [False, True])
def test_clean_text_drops_every_invisible_character(single_line: bool) -> None:
    assert clean_text(INVISIBLE, single_line=single_line) == ""
    assert clean_text(f"a{INVISIBLE}b", single_line=single_line) == "ab"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", ""),
        ("\n \n\t\n", ""),
        ("hello", "<p>hello</p>"),
        ("  padded  ", "<p>padded</p>"),
        ("one\ntwo", "<p>one<br>two</p>"),
        ("one\n\ntwo", "<p>one</p><p>two</p>"),
        ("one\n\n\n\ntwo\nthree", "<p>one</p><p>two<br>three</p>"),
        ("one\n  \t \ntwo", "<p>one</p><p>two</p>"),
        ("dos\r\nline\r\n\r\nnext\rold mac", "<p>dos<br>line</p><p>next<br>old mac</p>"),
        ("tab\tkept", "<p>tab\tkept</p>"),
        ("nul\x00bell\x07esc\x1b[31mdel\x7f", "<p>nulbellesc[31mdel</p>"),
        ("café ✓ 日本", "<p>café ✓ 日本</p>"),
        (
            "<script>alert('x')</script>",
            "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>",
        ),
        (
            '<img src=x onerror="alert(1)">',
            "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>",
        ),
        ("&amp; &lt;b&gt; &#60;", "<p>&amp;amp; &amp;lt;b&amp;gt; &amp;#60;</p>"),
        ("</p><p onclick=x>", "<p>&lt;/p&gt;&lt;p onclick=x&gt;</p>"),
        (
            "<a href='javascript:evil()'>x</a>",
            "<p>&lt;a href=&#x27;javascript:evil()&#x27;&gt;x&lt;/a&gt;</p>",
        ),
        ("<scr\x00ipt>", "<p>&lt;script&gt;</p>"),
        ("<scr\u200bipt>", "<p>&lt;script&gt;</p>"),
        ("pay\u202etxt.exe\ufeff", "<p>paytxt.exe</p>"),
        ("\u200b\n\n\u2060", ""),
        ("para\n\u200b\nnext", "<p>para</p><p>next</p>"),
        ("cafe\u0301", "<p>caf\u00e9</p>"),
    ],
)
def test_text_to_html(text: str, html: str) -> None:
    assert text_to_html(text) == html


HOSTILE = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<iframe src=//evil>\n\n<style>*{}</style>",
    "<!-- comment --><![CDATA[x]]>",
    "a\x00<b\x01>c</b>",
    "' onmouseover='x",
    "a\u202e<b\u200b>\ufeffc",
    "c1\x9b<x>\x85",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_leaves_only_our_tags(text: str) -> None:
    html = text_to_html(text)
    inner = re.sub(r"</?p>|<br>", "", html)
    assert not set(inner) & set("<>\"'")
    assert not [ch for ch in html if unicodedata.category(ch) in ("Cc", "Cf")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", ""),
        ("  Printer\njam\r\n ", "Printer jam"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        ("Tom & Jerry's", "Tom &amp; Jerry&#x27;s"),
        ("&lt;b&gt; typed as is", "&amp;lt;b&amp;gt; typed as is"),
        ("invoice\u202efdp.exe\u200b", "invoicefdp.exe"),
        ("<scr\u200bipt>", "&lt;script&gt;"),
    ],
)
def test_clean_line(text: str, line: str) -> None:
    assert clean_line(text) == line


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_one_line_text_has_no_markup_left(text: str) -> None:
    line = clean_line(text)
    assert not set(line) & set("<>\"'\n")
    assert not [ch for ch in line if unicodedata.category(ch) in ("Cc", "Cf")]


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, 0.0),
        (1, 0.0167),
        (20, 0.3333),
        (30, 0.5),
        (45, 0.75),
        (90, 1.5),
        (1440, 24.0),
        (7.5, 0.125),
    ],
)
def test_minutes_to_hours(minutes: float, hours: float) -> None:
    assert minutes_to_hours(minutes) == hours
