"""Numbers, dates and counted nouns as a person reads them in each language, from one place: babel's CLDR data
for the locale behind each language (plural rules, date patterns, digit grouping), so a table, a picker, a
caption and a chart axis never disagree (4 Mar 2019 · 2019年3月4日; 1 city · 2 cities). Table columns get the
same pattern translated to moment.js; chart axes get babel's text itself (periods as category labels)."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from functools import cache
from unicodedata import east_asian_width

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from innovisits.i18n import language, t

# The CLDR locale behind each language: British English (day before month), Traditional Chinese.
LOCALES = {"en": "en_GB", "zh": "zh_Hant"}
# Date pickers (st.date_input) take only these orders: day first in English, year first in Chinese.
PICKER_DATE = {"en": "DD/MM/YYYY", "zh": "YYYY/MM/DD"}
# Plotly numbers (d3-format): counts with thousands separators, means (interest 1–5) with one decimal.
AXIS_COUNT = ",d"
AXIS_MEAN = ",.1f"

# CLDR date-pattern letters -> moment.js (Streamlit's DateColumn).
_MOMENT = {"y": "YYYY", "yyyy": "YYYY", "d": "D", "dd": "DD", "M": "M", "MM": "MM", "MMM": "MMM", "MMMM": "MMMM"}


def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[language(lang)])


@cache
def _pattern(lang: str, what: str) -> str:
    """The CLDR pattern of a whole date ('d MMM y', 'y年M月d日') or of a month ('MMM y', 'y年M月')."""
    locale = _locale(lang)
    return locale.date_formats["medium"].pattern if what == "date" else locale.datetime_skeletons["yMMM"].pattern


def _translate(pattern: str, letters: dict[str, str]) -> str:
    """A CLDR pattern in another notation: runs of pattern letters mapped, literal text kept."""
    return re.sub(r"([a-zA-Z])\1*", lambda m: letters[m.group(0)], pattern)


def table_format(lang: str, what: str = "date") -> str:
    """moment.js format of a date (or `what='month'`) column: 'D MMM YYYY' · 'YYYY年M月D日'."""
    return _translate(_pattern(lang, what), _MOMENT)


def date_text(value: date | datetime | None, lang: str) -> str:
    """A date in the language's own order: '14 Mar 2019' or '2019年3月14日'; '' for no date."""
    if value is None:
        return ""
    return babel_dates.format_date(value, "medium", locale=_locale(lang))


def local_time(stamp: str | None, zone: tzinfo) -> str:
    """An ISO time from the audit log (UTC) as a clock in `zone` reads it: '2026-11-30 18:39'; '' for none."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def plural_form(count: int, lang: str) -> str:
    """The CLDR plural category of `count` in the language ("one", "other", …): English says "1 City" but
    "4 Cities"; Chinese has one form for every count."""
    return _locale(lang).plural_form(abs(count))


def period_text(value: date | datetime, lang: str, granularity: str = "month") -> str:
    """A month or quarter: 'Mar 2019' · '2019年3月'; 'Q1 2019' · '2019年第1季'."""
    skeleton = "yQQQ" if granularity == "quarter" else "yMMM"
    return babel_dates.format_skeleton(skeleton, value, locale=_locale(lang))


def number_text(value: float, lang: str, decimals: int = 0) -> str:
    """A number with the language's grouping: '12,345'; `decimals` fixed places ('3.5')."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale(lang))


def count_text(n: int, noun: str, lang: str) -> str:
    """A count with its noun in the right plural form: '1 city', '2 cities', '3 個城市'. The forms are locale
    strings `count_<noun>_<plural category>` (CLDR categories: English has one/other, Chinese only other)."""
    form = _locale(lang).plural_form(n)
    return t(f"count_{noun}_{form}", lang, n=number_text(n, lang))


def text_cells(text: str) -> int:
    """How wide text is in monospace cells: a CJK character takes two."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str, cells: int) -> str:
    """`text` in at most `cells` cells: cut at the last space that fits (anywhere in CJK text), then '…'."""
    if text_cells(text) <= cells:
        return text
    kept, width = "", 0
    for char in text:
        if width + text_cells(char) > cells - 1:
            break
        kept, width = kept + char, width + text_cells(char)
    if " " in kept and text[len(kept)] != " ":
        kept = kept[: kept.rindex(" ")]
    return kept.rstrip(" ,·-") + "…"
