"""The presenter sequence on the known data: order, titles, key numbers and charts worked out by hand
(see tests/known_data.py), in both languages, filtered and empty. No browser needed."""

import pytest

from innovisits.data.filters import Filters
from innovisits.data.store import Store
from innovisits.report import charts, slides

ORDER = ["title", "key_numbers", "participation", "interest", "latest_visit", "sources"]


@pytest.fixture
def query(known_csv_dir, data_env):
    data_env(known_csv_dir)
    return slides.store_query(Store(known_csv_dir))


def deck(query, lang="en", **filters):
    return {s.name: s for s in slides.build(query, Filters().with_values(**filters), lang).slides}


def test_sequence_order_and_titles(query):
    built = slides.build(query, Filters(), "zh").slides
    assert [s.name for s in built] == ORDER
    assert [s.title for s in built] == [
        "InnoVisits 創科考察",
        "主要數字",
        "部門參與",
        "各城市的科技興趣",
        "最新考察重點",
        "資料來源及註釋",
    ]


def test_key_numbers(query):
    shown = deck(query)
    assert [shown[n].key for n in ORDER[1:5]] == ["4 Visits", "4 Departments", "3 Cities", "1 Delegate"]
    assert [trace.value for trace in shown["key_numbers"].figure.data] == [4, 10, 4, 3]
    assert [trace.title.text for trace in shown["key_numbers"].figure.data] == [
        "Visits", "Delegates", "Departments", "Cities"
    ]  # fmt: skip


def test_key_numbers_follow_filters(query):
    shown = deck(query, "zh", cities=["Shenzhen"])
    assert [shown[n].key for n in ORDER[1:5]] == ["考察次數：2", "部門數目：3", "城市數目：1", "團員人次：2"]


def test_participation_chart_in_chinese(query):
    bars = deck(query, "zh")["participation"].figure.data[0]
    assert dict(zip(bars.y, bars.x, strict=True)) == {"機電工程署": 3, "消防處": 3, "醫院管理局": 2, "香港科技大學": 2}


def test_interest_heatmap_counts_visits(query):
    cells = deck(query)["interest"].figure.data[0]
    rows = [y.replace("<br>", " ") for y in cells.y]  # long names are wrapped onto several lines
    grid = {(y, x): z for y, row in zip(rows, cells.z, strict=True) for x, z in zip(cells.x, row, strict=True)}
    assert grid[("Robots and robotic arms", "Shenzhen")] == 2
    assert grid[("Smart photovoltaic generation", "Dongguan")] == 1


def test_latest_visit_highlights(query):
    latest = deck(query, "zh")["latest_visit"]
    assert latest.subtitle == ("2019年3月15日 · 東莞 · PV works · Solar roofs", "涵蓋科技：智能光伏發電")
    bars = latest.figure.data[0]
    assert (list(bars.y), list(bars.x)) == (["醫院管理局"], [1])


def test_title_slide_names_the_filters_and_data_date(query):
    title = deck(query, "zh", cities=["Shenzhen"], kinds=["government"])["title"]
    assert "篩選：城市：深圳 · 部門類別：政府部門" in title.lines
    assert "數據截至 2019年3月15日" in title.lines
    assert all(
        slide.filters == "篩選：城市：深圳 · 部門類別：政府部門"
        for slide in deck(query, "zh", cities=["Shenzhen"], kinds=["government"]).values()
    )
    assert not any("示例數據" in line for line in title.lines)  # the known data is not the sample


def test_sample_data_is_labelled(monkeypatch):
    monkeypatch.delenv("INNOVISITS_DATA_DIR", raising=False)
    from innovisits.data.config import SAMPLE_DATA_DIR

    shown = {s.name: s for s in slides.build(slides.store_query(Store(SAMPLE_DATA_DIR)), Filters(), "en").slides}
    assert "not official figures" in shown["sources"].notes[0][1]
    assert (
        slides.build(slides.store_query(Store(SAMPLE_DATA_DIR)), Filters(), "en").footer(3)
        == "Filters: All visits · InnoVisits · 3 / 6 · Illustrative sample data — not official figures"
    )


def test_no_visits_in_view(query):
    shown = deck(query, cities=["Guangzhou"], kinds=["public_body"])
    for name in ORDER[1:5]:
        assert shown[name].figure is None
        assert shown[name].lines == ("No visits match these filters.",)


def test_text_is_escaped_and_wrapped():
    fig = charts.text_panel([("<b>x</b> " + "深" * 200, 30)])
    text = fig.layout.annotations[0].text
    assert text.startswith("&lt;b&gt;x&lt;/b&gt;")
    assert text.count("<br>") >= 3
    assert charts._wrap("one two three", 7) == ["one two", "three"]


def test_plural_words_follow_the_language():
    assert [slides.counted("cities", n, "en") for n in (1, 3, 1200)] == ["1 City", "3 Cities", "1,200 Cities"]
    assert slides.counted("delegates", 1, "zh") == "團員人次：1"


def test_key_numbers_are_text(query):
    assert deck(query)["key_numbers"].numbers == (
        ("4", "Visits"),
        ("10", "Delegates"),
        ("4", "Departments"),
        ("3", "Cities"),
    )


def test_dates_in_filters_are_written_the_language_way(query):
    from datetime import date

    title = deck(query, "zh", date_from=date(2019, 2, 1))["title"]
    assert "篩選：由：2019年2月1日" in title.lines[1]


def test_chosen_charts_replace_the_middle_slides_in_order(query):
    bars = charts.ranked_bars(
        query("delegates_by_department", Filters()), key="department", label="department_en", value="delegates",
        title="Top departments", lang="en",
    )  # fmt: skip
    chosen = (
        slides.ChosenChart(
            "b", "Second", bars, query("summary", Filters()), Filters().with_values(cities=["Shenzhen"])
        ),
        slides.ChosenChart("a", "First", bars, query("summary", Filters()), Filters()),
    )
    built = slides.build(query, Filters(), "en", chosen=chosen).slides
    assert [s.name for s in built] == ["title", "b", "a", "sources"]
    assert [s.title for s in built[1:3]] == ["Second", "First"]
    assert built[1].filters == "Filters: Cities: Shenzhen"  # the filters the chart was drawn with
    labels = list(built[1].figure.data[0].y)
    assert "Electrical and Mechanical<br>Services Department" in labels
    assert built[1].figure.layout.title.text is None


def test_slide_labels_are_balanced():
    assert charts.balanced_wrap("Electrical and Mechanical Services Department", 34) == [
        "Electrical and Mechanical", "Services Department"
    ]  # fmt: skip
    lines = charts.balanced_wrap("智能樓宇、升降機及綜合樓宇管理系統數據分析", 34)
    assert len(lines) == 2 and min(len(line) for line in lines) >= 2


def test_many_rows_get_one_line_labels_in_smaller_type():
    """A 20-row heatmap on a slide: no room for two-line labels, so one line each, in type that fits a row."""
    import plotly.graph_objects as go

    names = [f"The Hong Kong University of Science and Technology {i}" for i in range(20)]
    fig = charts.fit_slide_labels(go.Figure(go.Heatmap(z=[[1]] * 20, y=names, x=["a"])))
    assert list(fig.data[0].y) == names
    assert fig.layout.yaxis.tickfont.size * 1.35 <= 600 / 20
    few = charts.fit_slide_labels(go.Figure(go.Bar(x=[1] * 3, y=names[:3], orientation="h")))
    assert few.data[0].y[0] == "The Hong Kong University of<br>Science and Technology 0"


def test_a_slides_image_says_its_title_and_filters(query):
    """The slide's PNG/SVG export (`pack.slide_chart`): the slide's title, and the filters it was drawn with
    as the subtitle: Shenzhen for the deck's own slides, the chosen chart's own filters for a chosen chart."""
    from innovisits.export import pack

    shown = deck(query, "zh", cities=["Shenzhen"])["participation"]
    image = pack.slide_chart(shown)
    assert image.layout.title.text == "部門參與"
    assert image.layout.title.subtitle.text == "篩選：城市：深圳"
    bars = shown.figure
    chosen = (
        slides.ChosenChart("a", "Top", bars, query("summary", Filters()), Filters().with_values(kinds=["academia"])),
    )
    built = slides.build(query, Filters().with_values(cities=["Shenzhen"]), "en", chosen=chosen).slides
    assert pack.slide_chart(built[1]).layout.title.subtitle.text == "Filters: Department kinds: Academia"
