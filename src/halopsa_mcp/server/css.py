"""CSS read just far enough to tell whether text can be seen: declarations, style-sheet
rules with simple selectors, lengths and colours. Parsing only; what hides text is
decided in server/visibility.py. Anything not understood reads as None: unknown."""

from __future__ import annotations

import ast
import colorsys
import operator
import re
from collections.abc import Callable, Iterator, Mapping

Rgba = tuple[float, float, float, float]  # red, green, blue 0-255; alpha 0-1

_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.S)
_LENGTH = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))(px|pt|pc|in|cm|mm|q|em|rem|ex|ch|vw|vh|%)?")
_FUNCTION_OR_WORD = re.compile(r"[\w-]+\([^)]*\)?|[^\s,]+")
# Per unit, pixels; font-relative units are handled apart. The viewport is assumed to be a
# common laptop's, which only matters for the rare vw and vh.
_PX = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4,
       "q": 96 / 101.6, "vw": 12.8, "vh": 8.0}  # fmt: skip
# var(--x, fallback), the fallback holding at most one level of brackets; var() inside
# a value or fallback is resolved this many times at most.
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,((?:[^()]|\([^()]*\))*))?\)")
_VAR_DEPTH = 4
# calc(): a length or number, or an operator or bracket; longer ones are not read, which
# bounds the work (and the nesting the evaluator recurses through).
_CALC_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*|\.\d+)([a-z%]*)|([-+*/()]))")
_CALC_CHARS = 200
_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}  # fmt: skip
# The width of that laptop's screen, for @media conditions; nesting of @media bounded.
_SCREEN_PX = 1280.0
_MEDIA_DEPTH = 4
_RELATIVE = {"em": 1.0, "ex": 0.5, "ch": 0.5, "%": 0.01}
# The colours an email uses by name, and every near-white one: enough to see white on
# white. An unknown name is unknown, never guessed.
_NAMED = {
    "white": "fff", "black": "000", "red": "f00", "green": "008000", "blue": "00f",
    "yellow": "ff0", "gray": "808080", "grey": "808080", "silver": "c0c0c0", "navy": "000080",
    "maroon": "800000", "purple": "800080", "teal": "008080", "olive": "808000",
    "lime": "0f0", "aqua": "0ff", "cyan": "0ff", "fuchsia": "f0f", "magenta": "f0f",
    "orange": "ffa500", "snow": "fffafa", "ivory": "fffff0", "whitesmoke": "f5f5f5",
    "ghostwhite": "f8f8ff", "floralwhite": "fffaf0", "seashell": "fff5ee",
    "mintcream": "f5fffa", "azure": "f0ffff", "aliceblue": "f0f8ff", "honeydew": "f0fff0",
    "linen": "faf0e6", "oldlace": "fdf5e6", "lavenderblush": "fff0f5", "cornsilk": "fff8dc",
    "lightyellow": "ffffe0", "beige": "f5f5dc",
}  # fmt: skip


def declarations(style: str, *, mark_important: bool = False) -> dict[str, str]:
    """An inline style's declarations, property to value, both lower case, with comments
    and escapes resolved and ``!important`` dropped; a later declaration wins, unless
    the earlier one was important. With ``mark_important``, important ones are also
    given under ``!name``, for a style sheet's rules, which they let beat inline styles."""
    style = _ESCAPE.sub(_unescape, _COMMENT.sub(" ", style))
    found: dict[str, str] = {}
    important: set[str] = set()
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        value, bang, flag = value.partition("!")
        name, value = name.strip().lower(), value.strip().lower()
        if not (colon and name and value) or (name in important and not bang):
            continue
        found[name] = value
        if bang and flag.strip().lower() == "important":
            important.add(name)
            if mark_important:
                found["!" + name] = value
    return found


def rules(sheet: str, *, depth: int = 0) -> Iterator[tuple[str, dict[str, str]]]:
    """(selector, declarations) for the rules of a style sheet, each selector reduced to
    one element name, class or ID (``p``, ``.x``, ``#x``, ``p.x``, ``*``) by
    ``subject``. Rules inside an ``@media`` block count when a laptop's screen would
    match it; other at-rules apply only sometimes and are skipped."""
    sheet = _COMMENT.sub(" ", sheet)
    level, start, selectors = 0, 0, ""
    for match in re.finditer(r"[{}]", sheet):
        if match.group() == "{":
            if level == 0:
                selectors, start = sheet[start : match.start()], match.end()
            level += 1
        elif level == 0:  # a stray closing brace
            start = match.end()
        else:
            level -= 1
            if level == 0:
                body, start = sheet[start : match.start()], match.end()
                media = re.fullmatch(r"\s*@media\b(.*)", selectors, re.S | re.I)
                if media is None:
                    yield from _simple_rules(selectors, body)
                elif depth < _MEDIA_DEPTH and _on_screen(media.group(1)):
                    yield from rules(body, depth=depth + 1)


def _simple_rules(selectors: str, body: str) -> Iterator[tuple[str, dict[str, str]]]:
    found = declarations(body, mark_important=True) if "{" not in body else {}
    for selector in selectors.split(","):
        key = subject(selector)
        if found and key is not None:
            yield key, found


def subject(selector: str) -> str | None:
    """The element a selector styles, as one simple selector that matches it and maybe
    more: ``div > p.a.b:hover`` reads as ``p.a``, ``[data-x="1"]`` as ``[data-x]``.
    Matching more hides more, never less.
    None for a selector of generated content (``::after``) or one not understood."""
    last = re.split(r"\s*[>+~]\s*|\s+", selector.strip().lower())[-1]
    if not last or "::" in last or re.search(r":(?:before|after|first-line|first-letter)\b", last):
        return None
    attribute = re.match(r"\[\s*([\w-]+)", re.sub(r"^[^\[]*", "", last))
    last = re.sub(r"\[[^\]]*\]|:[\w-]+(?:\([^)]*\))?", "", last)
    parts = re.fullmatch(r"(\*|[a-z][a-z0-9]*)?((?:[.#][\w-]+)*)", last)
    if parts is None:
        return None
    tag, rest = parts.group(1) or "", parts.group(2)
    ids = re.findall(r"#[\w-]+", rest)
    simple = ids[0] if ids else (re.findall(r"\.[\w-]+", rest) or [""])[0]
    tag = "" if tag == "*" and simple else tag
    if not (tag or simple) and attribute:
        return f"[{attribute.group(1)}]"  # any element with the attribute, whatever value
    return (tag + simple) or "*"


def _on_screen(query: str) -> bool:
    """Whether a media query list matches a laptop screen 1280px wide: ``screen``,
    ``all`` and min/max-width conditions are understood; anything else does not match."""
    for one in query.lower().split(","):
        words = re.sub(r"\bonly\b|\band\b", " ", one).split("(")[0].split()
        if words not in ([], ["screen"], ["all"]):
            continue
        conditions = re.findall(r"\(([^)]*)\)", one)
        if all(_width_holds(condition) for condition in conditions):
            return True
    return False


def _width_holds(condition: str) -> bool:
    name, _, value = (part.strip() for part in condition.partition(":"))
    px = length_px(value, 16.0) if value else None
    if px is None or name not in ("min-width", "max-width"):
        return False
    return px <= _SCREEN_PX if name == "min-width" else px >= _SCREEN_PX


def substitute(value: str, custom: Mapping[str, str]) -> str:
    """``value`` with each ``var(--x, fallback)`` replaced by the custom property's value,
    else its fallback, else nothing (which a browser reads as the property not set)."""
    for _ in range(_VAR_DEPTH):
        if "var(" not in value:
            break
        value = _VAR.sub(lambda m: custom.get(m.group(1)) or (m.group(2) or "").strip(), value)
    return value


def length_px(value: str, font_px: float) -> float | None:
    """A CSS length in pixels; ``font_px`` is what em and % are relative to."""
    value = value.strip()
    if value.startswith("calc(") and len(value) <= _CALC_CHARS:
        return _calc(value, font_px)
    match = _LENGTH.fullmatch(value)
    if match is None:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit is None:
        return number if number == 0 else None
    if unit == "rem":
        return number * 16
    return number * (_PX[unit] if unit in _PX else _RELATIVE[unit] * font_px)


def colour(value: str) -> Rgba | None:
    """A CSS colour as RGBA, or None when it is not one this module knows."""
    value = value.strip().lower()
    if value == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    value = "#" + _NAMED[value] if value in _NAMED else value
    if value.startswith("#"):
        return _hex(value[1:])
    match = re.fullmatch(r"(rgba?|hsla?)\(([^)]*)\)", value)
    if match is None:
        return None
    parts = [p for p in re.split(r"[\s,/]+", match.group(2).strip()) if p]
    if len(parts) not in (3, 4):
        return None
    try:
        alpha = _fraction(parts[3], 1.0) if len(parts) == 4 else 1.0
        if match.group(1).startswith("rgb"):
            red, green, blue = (_fraction(p, 255.0) for p in parts[:3])
            return (red, green, blue, alpha)
        hue = float(parts[0].removesuffix("deg")) / 360 % 1
        lightness, saturation = _fraction(parts[2], 1.0), _fraction(parts[1], 1.0)
    except ValueError:
        return None
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return (red * 255, green * 255, blue * 255, alpha)


def colour_in(value: str) -> Rgba | None:
    """The first colour among the words of a shorthand such as ``background``."""
    for word in _FUNCTION_OR_WORD.findall(value):
        found = colour(word)
        if found is not None:
            return found
    return None


def _fraction(part: str, scale: float) -> float:
    """A colour component: a percentage of ``scale``, or a number already on that scale;
    for alpha (scale 1) a plain number is the fraction itself."""
    if part.endswith("%"):
        return max(0.0, min(scale, float(part[:-1]) / 100 * scale))
    return max(0.0, min(scale, float(part)))


def _hex(digits: str) -> Rgba | None:
    if not re.fullmatch(r"[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8}", digits):
        return None
    if len(digits) <= 4:
        digits = "".join(d * 2 for d in digits)
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
    return (float(red), float(green), float(blue), alpha)


def _unescape(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return match.group(2)
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _calc(expression: str, font_px: float) -> float | None:
    """A ``calc()`` of lengths and numbers with + - * / and brackets, in pixels."""
    pieces, position = [], 0
    expression = expression.replace("calc(", "(")
    while expression[position:].strip():
        token = _CALC_TOKEN.match(expression, position)
        if token is None:
            return None
        position = token.end()
        number, unit, sign = token.groups()
        if sign is not None:
            pieces.append(sign)
            continue
        px = length_px(number + unit, font_px) if unit else float(number)
        if px is None:
            return None
        pieces.append(repr(px))
    try:
        return _arithmetic(ast.parse("".join(pieces), mode="eval").body)
    except (SyntaxError, ZeroDivisionError, ValueError):
        return None


def _arithmetic(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _arithmetic(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_arithmetic(node.left), _arithmetic(node.right))
    raise ValueError("not arithmetic")
