"""Known answers for what a person reads on a chart or in a table: dates, periods, numbers and counted nouns
per language (babel's CLDR data), labels that wrap without a lone CJK character, round ticks, heatmaps from
zero with empty cells empty, series with every period, and the filter line."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from innovisits.data.filters import Filters
from innovisits.export import formats
from innovisits.i18n import formatting
from innovisits.report import charts, filter_line
from innovisits.report.charts import _label, _wrap


@pytest.mark.parametrize(
    ("lang", "day", "month", "quarter"),
    [("en", "4 Mar 2019", "Mar 2019", "Q1 2019"), ("zh", "2019年3月4日", "2019年3月", "2019年第1季")],
)
def test_dates_and_periods_per_language(lang, day, month, quarter):
    assert formatting.date_text(date(2019, 3, 4), lang) == day
    assert formatting.period_text(date(2019, 3, 1), lang) == month
    assert formatting.period_text(date(2019, 1, 1), lang, "quarter") == quarter
    assert formatting.date_text(None, lang) == ""


def test_the_same_date_pattern_in_every_notation():
    """Tables (moment.js) use the pattern babel writes dates with."""
    assert formatting.table_format("en") == "D MMM YYYY"
    assert formatting.table_format("zh") == "YYYY年M月D日"
    assert formatting.table_format("zh", "month") == "YYYY年M月"


@pytest.mark.parametrize(
    ("n", "noun", "lang", "text"),
    [
        (1, "city", "en", "1 city"),
        (2, "city", "en", "2 cities"),
        (0, "delegate", "en", "0 delegates"),
        (1, "delegate", "en", "1 delegate"),
        (12345, "visit", "en", "12,345 visits"),
        (1, "city", "zh", "1 個城市"),
        (3, "delegate", "zh", "3 名團員"),
    ],
)
def test_counted_nouns_take_the_plural_form_of_the_language(n, noun, lang, text):
    assert formatting.count_text(n, noun, lang) == text


def test_numbers():
    assert formatting.number_text(5.0, "en") == "5"
    assert formatting.number_text(1234.56, "zh", decimals=1) == "1,234.6"


def test_cjk_text_never_leaves_one_character_alone_on_a_line():
    assert _wrap("數據分析", 6) == ["數據", "分析"]  # not 數據分 / 析
    assert _wrap("綜合樓宇", 6) == ["綜合", "樓宇"]
    for width in range(4, 30, 2):
        lines = _wrap("機電工程署綜合樓宇管理及數據分析", width)
        assert all(len(line) > 1 for line in lines), (width, lines)
        assert "".join(lines) == "機電工程署綜合樓宇管理及數據分析"


def test_long_english_names_wrap_at_spaces_and_are_shortened_to_two_lines():
    assert _wrap("Electrical and Mechanical Services Department", 28) == [
        "Electrical and Mechanical",
        "Services Department",
    ]
    label = _label("The Hong Kong University of Science and Technology of the Greater Bay Area")
    assert label.count("<br>") == 1 and label.endswith("…")
    assert formatting.shorten("Electrical and Mechanical Services Department", 20) == "Electrical and…"


def test_dual_axis_ticks_are_round_and_share_gridlines():
    """2 visits and 29 delegates: 0/1/2/3 beside 0/10/20/30, not 0/14/29."""
    visits, delegates = charts.shared_ticks([2, 29])
    assert visits == {"range": [0, 3], "dtick": 1, "tick0": 0}
    assert delegates == {"range": [0, 30], "dtick": 10, "tick0": 0}
    assert charts.nice_step(135) == 50
    assert charts.nice_step(0) == 1


def test_a_series_over_time_has_a_point_for_every_period_in_the_language():
    months = pd.DataFrame(
        {
            "month": pd.to_datetime(["2018-12-01", "2019-01-01", "2019-02-01"]),
            "visits": [2, 0, 1],
            "delegates": [5, 0, 2],
        }
    )
    fig = charts.over_time(months, x="month", values=["visits", "delegates"], title="t", lang="zh")
    assert [list(trace.x) for trace in fig.data] == [["2018年12月", "2019年1月", "2019年2月"]] * 2
    assert list(fig.data[0].y) == [2, 0, 1]
    assert fig.layout.xaxis.type == "category"  # a tick per period, never between (no fortnightly ticks)


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "department": ["EMSD", "EMSD", "FSD"],
            "department_en": ["EMSD name", "EMSD name", "FSD name"],
            "city": ["Shenzhen", "Dongguan", "Shenzhen"],
            "delegates": [5, 1, 3],
        }
    )


def test_heatmap_scale_starts_at_zero_and_empty_cells_stay_empty():
    fig = charts.heatmap(_cells(), rows="department", columns="city", metric="delegates", title="t", lang="en")
    cells = fig.data[0]
    assert (cells.zmin, cells.zmax) == (0, 5)
    z = pd.DataFrame(cells.z, index=cells.y, columns=cells.x)
    assert pd.isna(z.loc["FSD name", "Dongguan"])  # no visit: no colour, not a pale 0
    assert z.loc["EMSD name", "Dongguan"] == 1
    assert cells.texttemplate == "%{z:,d}"  # 5, not 5.0
    assert not fig.layout.xaxis.showgrid and not fig.layout.yaxis.showgrid


def test_heatmap_greys_out_muted_cells_apart_from_the_scale():
    """Below a threshold (or outside a selection): drawn by a grey second layer, not in the coloured one."""
    df = _cells()
    fig = charts.heatmap(
        df, rows="department", columns="city", metric="delegates", title="t", lang="en", muted=df["delegates"] < 3
    )
    coloured, grey = (pd.DataFrame(trace.z, index=trace.y, columns=trace.x) for trace in fig.data)
    assert pd.isna(coloured.loc["EMSD name", "Dongguan"]) and grey.loc["EMSD name", "Dongguan"] == 1
    assert coloured.loc["EMSD name", "Shenzhen"] == 5 and pd.isna(grey.loc["EMSD name", "Shenzhen"])
    assert charts.outside_selection(df, {"city": ("Shenzhen",)}).tolist() == [False, True, False]
    assert charts.outside_selection(df, {"city": ()}) is None


def test_ranked_bars_keep_context_and_rows_are_clickable_along_their_width():
    df = _cells().groupby(["department", "department_en"], as_index=False)["delegates"].sum()
    fig = charts.ranked_bars(
        df, key="department", label="department_en", value="delegates", title="t", lang="en", selected=("FSD",)
    )
    bars, rows = fig.data
    assert list(bars.customdata) == ["FSD", "EMSD"]  # both still drawn
    assert list(bars.marker.opacity) == [1.0, 0.3]  # the selection strong, the other faint
    assert list(rows.x) == [6, 6] and list(rows.customdata) == ["FSD", "EMSD"]


def test_filter_line_names_every_filter_in_the_language():
    choices = {
        "filter_cities": pd.DataFrame({"city": ["Shenzhen"], "name_zh": ["深圳"]}),
        "filter_departments": pd.DataFrame(
            {
                "department_id": ["EMSD"],
                "name_en": ["Electrical and Mechanical Services Department"],
                "name_zh": ["機電工程署"],
            }
        ),
        "filter_categories": pd.DataFrame({"category_id": [], "name_en": [], "name_zh": []}),
    }
    chosen = Filters(date_from=date(2019, 1, 2), cities=("Shenzhen",), departments=("EMSD",), kinds=("academia",))
    items = filter_line.filter_items(chosen, choices, "zh")
    assert [(i.field, i.value) for i in items] == [
        ("date_from", None),
        ("cities", "Shenzhen"),
        ("kinds", "academia"),
        ("departments", "EMSD"),
    ]
    assert filter_line.filter_line(items, "zh") == "已篩選：由 2019年1月2日 · 深圳 · 學術界 · 機電工程署"
    english = filter_line.filter_items(chosen, choices, "en")
    assert english[-1].short == "Electrical and Mechanical…"  # the chip; its hover says it in full
    assert filter_line.filter_line(filter_line.filter_items(Filters(), choices, "en"), "en") == ""


def test_an_exported_chart_carries_the_filters_as_its_subtitle():
    fig = charts.ranked_bars(_cells(), key="city", label="city", value="delegates", title="t", lang="en")
    out = formats.with_subtitle(fig, "Filtered view: Shenzhen")
    assert out.layout.title.subtitle.text == "Filtered view: Shenzhen"
    assert out.layout.height == fig.layout.height + formats.SUBTITLE_SPACE
    assert formats.with_subtitle(fig, "") is fig
