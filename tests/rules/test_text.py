import re

import pytest

from halopsa_mcp.rules.text import minutes_to_hours, text_to_html


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
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_leaves_only_our_tags(text: str) -> None:
    html = text_to_html(text)
    inner = re.sub(r"</?p>|<br>", "", html)
    assert not set(inner) & set("<>\"'")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", html)


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
