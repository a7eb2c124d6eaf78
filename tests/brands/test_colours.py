"""The header's text colour is computed from the brand colour to reach 4.5:1 (issue 14)."""
import pytest

from portal.brands.colours import (
    DARK_TEXT,
    LIGHT_TEXT,
    contrast_ratio,
    is_colour,
    light_text_shortfall,
    text_colour_on,
)


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
    # The defect the issue measured: Bootstrap's light text on acme's blue.
    assert contrast_ratio("#0d6efd", "#f8f9fa") == pytest.approx(4.27, abs=0.01)
    assert contrast_ratio("#0d6efd", "#ffffff") == contrast_ratio("#ffffff", "#0d6efd")


@pytest.mark.parametrize("background, text", [
    ("#0d6efd", LIGHT_TEXT),   # acme: white just reaches 4.5:1
    ("#6f42c1", LIGHT_TEXT),   # globex
    ("#000000", LIGHT_TEXT),
    ("#ffc107", DARK_TEXT),    # a yellow
    ("#ffffff", DARK_TEXT),
    ("#777777", DARK_TEXT),    # mid grey: white 4.48:1, black 4.69:1
    ("#198754", LIGHT_TEXT),   # Bootstrap's green: 4.53:1
    ("#20c997", DARK_TEXT),    # teal: white 2.2:1
])
def test_the_header_text_reaches_4_5_to_1_on_any_brand_colour(background, text):
    assert text_colour_on(background) == text
    assert contrast_ratio(background, text_colour_on(background)) >= 4.5


def test_every_grey_and_primary_reaches_4_5_to_1():
    for level in range(256):
        grey = f"#{level:02x}{level:02x}{level:02x}"
        assert contrast_ratio(grey, text_colour_on(grey)) >= 4.5, grey
    for colour in ("#ff0000", "#00ff00", "#0000ff", "#00ffff", "#ff00ff", "#ffff00", "#0d6efd", "#dc3545"):
        assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, colour


def test_light_text_shortfall_is_what_the_admin_is_warned_of():
    assert light_text_shortfall("#0d6efd") is None
    assert light_text_shortfall("#ffc107") == pytest.approx(contrast_ratio("#ffc107", "#ffffff"))
    assert light_text_shortfall("#ffc107") < 4.5


@pytest.mark.parametrize("value, ok", [("#0d6efd", True), ("#0D6EFD", True), ("0d6efd", False), ("#0d6ef", False),
                                       ("#0d6efg", False), (None, False), ("#0d6efd;}", False)])
def test_is_colour(value, ok):
    assert is_colour(value) is ok
