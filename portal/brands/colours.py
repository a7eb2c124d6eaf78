"""The brand colour and the text on it: WCAG 2 contrast, so the header's text stays readable
(4.5:1, WCAG 1.4.3 AA) whatever colour an admin picks. Pure functions of "#rrggbb" strings."""
import re

MINIMUM_CONTRAST = 4.5
DEFAULT_COLOUR = "#0d6efd"
# The header keeps light text while it reads; dark text otherwise. Pure white and black: one of
# them always reaches 4.5:1 (the worse of the two is at least sqrt(21) ≈ 4.58:1).
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#000000"

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def is_colour(value) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio, 1 to 21."""
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """The header's text colour on a brand colour: light text when it reaches 4.5:1, else dark."""
    if contrast_ratio(background, LIGHT_TEXT) >= MINIMUM_CONTRAST:
        return LIGHT_TEXT
    return DARK_TEXT


def light_text_shortfall(background: str) -> float | None:
    """The contrast light text would have on this colour when it is under 4.5:1 (the header then
    switches to dark text, which the admin picking the colour should know), else None."""
    ratio = contrast_ratio(background, LIGHT_TEXT)
    return None if ratio >= MINIMUM_CONTRAST else ratio
