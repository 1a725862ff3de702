"""The active filters as a person reads them: one item per filter value (a city, a department, a date bound),
named in the chosen language, for the line under each page title (where each is removable on its own) and for
the subtitle of an exported chart, so a filtered chart never looks like the unfiltered one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from innovisits.data.filters import Filters
from innovisits.i18n import formatting, t

# Longest label shown in a filter chip, in cells (a CJK character takes two); the full name is on hover.
CHIP_CELLS = 30


@dataclass(frozen=True)
class FilterItem:
    """One removable filter value: its field, its value (None for a date bound) and its full name."""

    field: str
    value: str | None
    label: str

    @property
    def short(self) -> str:
        """The label cut to `CHIP_CELLS` at a word boundary, with an ellipsis when cut."""
        return formatting.shorten(self.label, CHIP_CELLS)


def _names(frame: pd.DataFrame, key: str, lang: str, english: str) -> dict[str, str]:
    column = "name_zh" if lang == "zh" else english
    return dict(zip(frame[key], frame[column], strict=True))


def filter_items(filters: Filters, choices: dict[str, pd.DataFrame], lang: str) -> list[FilterItem]:
    """Every active filter value, in the sidebar's order, named from the sidebar's `choices` (the frames
    `views.sidebar` returns); a value the data no longer names is shown as it is."""
    names = {
        "cities": _names(choices["filter_cities"], "city", lang, "city"),
        "departments": _names(choices["filter_departments"], "department_id", lang, "name_en"),
        "categories": _names(choices["filter_categories"], "category_id", lang, "name_en"),
    }
    items = []
    for field in ("date_from", "date_to"):
        if getattr(filters, field):
            when = formatting.date_text(getattr(filters, field), lang)
            items.append(FilterItem(field, None, t(f"filter_{field.removeprefix('date_')}_value", lang, date=when)))
    items += [FilterItem("cities", c, names["cities"].get(c, c)) for c in filters.cities]
    items += [FilterItem("kinds", k, t(f"kind_{k}", lang)) for k in filters.kinds]
    items += [FilterItem("departments", d, names["departments"].get(d, d)) for d in filters.departments]
    items += [FilterItem("categories", c, names["categories"].get(c, c)) for c in filters.categories]
    return items


def filter_line(items: list[FilterItem], lang: str) -> str:
    """The items as one line ('Filtered view: From 1 Jan 2019 · Shenzhen'); '' when nothing is filtered."""
    return t("filters_active", lang, summary=" · ".join(item.label for item in items)) if items else ""
