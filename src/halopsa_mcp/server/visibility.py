"""Whether text in HTML can be seen by the person reading the ticket: the look an element
passes on to its text (colour, background, font size, visibility), and the styles that
hide an element with everything in it. Pure functions over parsed attributes.

The thresholds lean towards keeping text: only what a reader could not make out goes."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from halopsa_mcp.server.css import Rgba, colour, colour_in, declarations, length_px, substitute

# Below these, text is unreadable or not there: 4px letters, text 1.2:1 against its
# background (#eee on white; light grey #999 is 2.8:1 and stays), 10% opacity, or an
# element moved 500px or more off the page's top or left edge.
_MIN_FONT_PX = 4.0
_MIN_CONTRAST = 1.2
_MIN_OPACITY = 0.1
_OFF_SCREEN_PX = -500.0
_FONT_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                  "large": 18.0, "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}  # fmt: skip
_LINK_BLUE: Rgba = (0, 0, 238, 1)
# Custom properties carried down to child elements: the most recent this many, each cut
# to this length, so a page of them cannot make every element's look heavy.
_CUSTOM_PROPERTIES = 32
_CUSTOM_CHARS = 200
Sheet = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Look:
    """What text inherits from the elements around it. ``background`` is opaque, or None
    when an image or an unreadable colour makes it unknown (colour then hides nothing)."""

    color: Rgba
    background: Rgba | None
    font_px: float
    visible: bool
    # Custom properties (--x) set here or above, for var() in the styles below.
    custom: tuple[tuple[str, str], ...] = ()


# Most ticket views show black text on a white page.
PAGE = Look(color=(0, 0, 0, 1), background=(255, 255, 255, 1), font_px=16.0, visible=True)


def look_of(
    tag: str, attrs: list[tuple[str, str | None]], parent: Look, sheet: Sheet
) -> tuple[Look, bool]:
    """The look ``tag`` gives its text, and whether it hides everything inside it."""
    # A browser keeps the first of two attributes of the same name, a dict the last.
    attr: dict[str, str] = {}
    for name, value in attrs:
        attr.setdefault(name, value or "")
    style = _style(tag, attr, sheet)
    custom = dict(parent.custom)
    custom.update((k, v[:_CUSTOM_CHARS]) for k, v in style.items() if k.startswith("--"))
    custom = dict(list(custom.items())[-_CUSTOM_PROPERTIES:])
    style = {k: substitute(v, custom) for k, v in style.items()}
    font_px = _font_px(style, parent.font_px)
    look = Look(
        color=_text_colour(tag, attr, style, parent.color),
        background=_background(attr, style, parent.background),
        font_px=font_px,
        visible=_visible(style.get("visibility"), parent.visible),
        custom=tuple(custom.items()),
    )
    # A style's display wins over the hidden attribute, as in a browser.
    hidden = "hidden" in attr and style.get("display", "none") == "none"
    return look, hidden or _hides_box(style, font_px)


@functools.lru_cache(maxsize=1024)
def unseen(look: Look) -> bool:
    """Whether text with this look cannot be seen."""
    if not look.visible or look.font_px < _MIN_FONT_PX:
        return True
    if look.background is None:
        return False
    return _contrast(_over(look.color, look.background), look.background) < _MIN_CONTRAST


def _style(tag: str, attr: Mapping[str, str], sheet: Sheet) -> dict[str, str]:
    """The element's declarations: matching style-sheet rules, then its own style."""
    classes = attr.get("class", "").lower().split()
    keys = ["*", tag, *(f"[{name}]" for name in attr)]
    keys += [*(f".{c}" for c in classes), *(f"{tag}.{c}" for c in classes)]
    if attr.get("id"):
        keys += [f"#{attr['id'].lower()}", f"{tag}#{attr['id'].lower()}"]
    style: dict[str, str] = {}
    for key in keys:
        style.update(sheet.get(key, {}))
    important = {name[1:]: value for name, value in style.items() if name.startswith("!")}
    return style | declarations(attr.get("style", "")) | important


def _text_colour(tag: str, attr: Mapping[str, str], style: Mapping[str, str], parent: Rgba) -> Rgba:
    # WebKit and Blink paint text in its fill colour, which wins over "color"; a value
    # not understood (currentcolor, a typo) leaves the next one in force.
    values = (style.get("-webkit-text-fill-color"), style.get("color"))
    for value in (*values, attr.get("color") if tag == "font" else None):
        found = colour(value) if value else None
        if found is not None:
            return found
    # A browser shows a link in its own blue, whatever colour the text around it has.
    return _LINK_BLUE if tag == "a" and "href" in attr else parent


def _background(
    attr: Mapping[str, str], style: Mapping[str, str], parent: Rgba | None
) -> Rgba | None:
    layers = style.get("background", "") + " " + style.get("background-image", "")
    if "url(" in layers or "gradient(" in layers:
        return None
    value = style.get("background-color") or style.get("background") or attr.get("bgcolor")
    if not value or value in ("none", "inherit", "initial", "transparent"):
        return parent
    found = colour_in(value)
    if found is None or (found[3] < 1 and parent is None):
        return None
    return _over(found, parent) if parent is not None else found


def _font_px(style: Mapping[str, str], parent: float) -> float:
    value = style.get("font-size")
    if value is None:
        # "font: bold 0/0 a": the size is the word that reads as one.
        words = (w.split("/")[0] for w in style.get("font", "").split())
        sizes = (w for w in words if w in _FONT_KEYWORDS or length_px(w, parent) is not None)
        value = next(sizes, None)
    if value is None:
        return parent
    if value in _FONT_KEYWORDS:
        return _FONT_KEYWORDS[value]
    px = {"smaller": parent / 1.2, "larger": parent * 1.2}.get(value, length_px(value, parent))
    return parent if px is None or px < 0 else px


def _visible(value: str | None, parent: bool) -> bool:
    # Unlike display, a child can turn visibility back on.
    if value in ("hidden", "collapse"):
        return False
    return True if value == "visible" else parent


def _hides_box(style: Mapping[str, str], font_px: float) -> bool:
    positioned = style.get("position") in ("absolute", "fixed")
    return (
        style.get("display") == "none"
        or style.get("mso-hide") == "all"
        or _opacity(style.get("opacity", "1")) < _MIN_OPACITY
        or any(px <= _OFF_SCREEN_PX for px in _offsets(style, font_px, positioned))
        or style.get("content-visibility") == "hidden"
        or any(
            _opacity(a.strip()) < _MIN_OPACITY
            for a in re.findall(r"opacity\(([^)]*)\)", style.get("filter", ""))
        )
        or _scaled_away(style.get("transform", ""), style.get("zoom", ""), font_px)
        or (positioned and _clipped(style.get("clip", ""), font_px))
        or _clip_path_empty(style.get("clip-path", ""))
        or _collapsed(style, font_px)
    )


def _offsets(style: Mapping[str, str], font_px: float, positioned: bool) -> list[float]:
    """Every distance that moves the element towards or past the page's edge."""
    values = [style.get(name, "") for name in ("text-indent", "margin-left", "margin-top")]
    values += style.get("margin", "").split()
    if positioned:
        values += [style.get(name, "") for name in ("left", "top", "right", "bottom")]
    for args in re.findall(r"translate[xy3d]*\(([^)]*)\)", style.get("transform", "")):
        values += re.split(r"[\s,]+", args.strip())
    lengths = (length_px(value, font_px) for value in values if value)
    return [px for px in lengths if px is not None]


def _scaled_away(transform: str, zoom: str, font_px: float) -> bool:
    """A scale or zoom that shrinks the text below a readable size."""
    factors = [_opacity(zoom)] if zoom else []
    for args in re.findall(r"scale[xy]?\(([^)]*)\)", transform):
        factors += [_opacity(part) for part in re.split(r"[\s,]+", args.strip()) if part]
    return any(abs(factor) * font_px < _MIN_FONT_PX for factor in factors)


def _clipped(clip: str, font_px: float) -> bool:
    """``clip: rect(top right bottom left)`` leaving at most a pixel."""
    match = re.fullmatch(r"rect\(([^)]*)\)", clip)
    sides = (
        [length_px(p, font_px) for p in re.split(r"[\s,]+", match.group(1).strip())]
        if match
        else []
    )
    if len(sides) != 4 or None in sides:
        return False
    top, right, bottom, left = (side or 0.0 for side in sides)
    return bottom - top <= 1 or right - left <= 1


def _clip_path_empty(clip_path: str) -> bool:
    inset = re.match(r"inset\(\s*([\d.]+)%", clip_path)
    if inset and (_number(inset.group(1)) or 0) >= 50:
        return True
    return re.match(r"(?:circle|ellipse)\(\s*0(?:px|%)?(?:\s|\))", clip_path) is not None


def _collapsed(style: Mapping[str, str], font_px: float) -> bool:
    """A box of at most a pixel that cuts off what does not fit."""
    overflow = " ".join(style.get(k, "") for k in ("overflow", "overflow-x", "overflow-y"))
    if not {"hidden", "clip"} & set(overflow.split()):
        return False
    sizes = (style.get(k) for k in ("height", "max-height", "width", "max-width"))
    return any(px is not None and px <= 1 for px in (length_px(s, font_px) for s in sizes if s))


def _opacity(value: str) -> float:
    """A number or percentage as a fraction (1 when not one): opacity, scale, zoom."""
    number = _number(value[:-1]) if value.endswith("%") else _number(value)
    if number is None:
        return 1.0
    return number / 100 if value.endswith("%") else number


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _over(top: Rgba, below: Rgba) -> Rgba:
    """``top`` painted over the opaque ``below``."""
    alpha = top[3]
    red, green, blue = (top[i] * alpha + below[i] * (1 - alpha) for i in range(3))
    return (red, green, blue, 1.0)


def _contrast(a: Rgba, b: Rgba) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 (none) to 21."""
    darker, lighter = sorted((_luminance(a), _luminance(b)))
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(c: Rgba) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
