"""Label widths as Chromium draws them (Noto Sans CJK TC, installed by the project): known answers."""

from __future__ import annotations

import pytest

from innovisits.report import text_width


def test_a_chinese_character_is_as_wide_as_the_type_is_high():
    assert text_width.widest(["部門"], 12) == pytest.approx(24.0)
    assert text_width.widest(["部門"], 22) == pytest.approx(44.0)


def test_the_widest_line_of_any_label_counts_as_drawn():
    """Lines are split at <br> and entities read as the characters plotly draws; an empty list is 0 wide."""
    one, two = text_width.widest(["部門"], 12), text_width.widest(["部門部門"], 12)
    assert text_width.widest(["部門<br>部門部門", "部"], 12) == pytest.approx(two)
    assert text_width.widest(["&amp;"], 12) == pytest.approx(text_width.widest(["&"], 12))
    assert text_width.widest(["&amp;"], 12) < one / 2
    assert text_width.widest([], 12) == 0.0


def test_digits_are_as_wide_as_chromium_draws_them():
    """Chromium measured "8" at 12 px as 6.7 px and "16" as 13.3 px (getComputedTextLength)."""
    assert text_width.widest(["8"], 12) == pytest.approx(6.7, abs=0.05)
    assert text_width.widest(["16"], 12) == pytest.approx(13.3, abs=0.05)
