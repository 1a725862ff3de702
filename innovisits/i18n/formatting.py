"""Numbers and dates as a person reads them in each language: thousands separators, and dates written the
way English and Chinese readers write them (14 Mar 2019 · 2019年3月14日). The same formats in the three
notations the app needs: Python for text, moment.js for table columns, d3 for plotly axes."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel import Locale

from innovisits.i18n import language

# The babel (CLDR) locale of each language: plural rules come from it.
BABEL_LOCALES = {"en": "en_GB", "zh": "zh_Hant_HK"}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Table columns (st.column_config.DateColumn takes moment.js formats).
TABLE_DATE = {"en": "D MMM YYYY", "zh": "YYYY年M月D日"}
TABLE_MONTH = {"en": "MMM YYYY", "zh": "YYYY年M月"}
# Plotly axes and hover labels (d3-time-format).
AXIS_MONTH = {"en": "%b %Y", "zh": "%Y年%-m月"}
# Plotly numbers (d3-format): counts with thousands separators, means (interest 1–5) with one decimal.
AXIS_COUNT = ",d"
AXIS_MEAN = ",.1f"


def date_text(value: date | datetime | None, lang: str) -> str:
    """A date in the language's own order: '14 Mar 2019' or '2019年3月14日'; '' for no date."""
    if value is None:
        return ""
    if language(lang) == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def local_time(stamp: str | None, zone: tzinfo) -> str:
    """An ISO time from the audit log (UTC) as a clock in `zone` reads it: '2026-11-30 18:39'; '' for none."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def plural_form(count: int, lang: str) -> str:
    """The CLDR plural category of `count` in the language ("one", "other", …), from babel: English says
    "1 City" but "4 Cities"; Chinese has one form for every count."""
    return Locale.parse(BABEL_LOCALES[language(lang)]).plural_form(abs(count))
