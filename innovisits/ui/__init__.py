"""The Streamlit side of InnoVisits: the only package that imports Streamlit (with `pages/` and
`dashboard.py`). Pages call what they need through this package's names:

- `data`: the cached store and named queries;  `language`: the page's language and texts;
- `sidebar`: the language and filters, kept in the URL;  `panels`: headers, charts with tables and exports;
- `routes`: the navigation;  `auth`, `upload`, `presenter`: sign-in, staff uploads, presenter mode.
"""

from innovisits.ui.data import derived, load_or_stop, query, store
from innovisits.ui.language import keep_choice, lang, name, t
from innovisits.ui.panels import (
    chart,
    city_names,
    department_bars,
    empty_state,
    export_menu,
    grid,
    localised_table,
    page_header,
    plain,
    record_table,
    table,
    visit_caption,
)
from innovisits.ui.sidebar import clear_filters, filters, init_from_url, language_selector, set_filter, sidebar_filters

__all__ = [
    "chart",
    "city_names",
    "clear_filters",
    "department_bars",
    "derived",
    "empty_state",
    "export_menu",
    "filters",
    "grid",
    "init_from_url",
    "keep_choice",
    "lang",
    "language_selector",
    "load_or_stop",
    "localised_table",
    "name",
    "page_header",
    "plain",
    "query",
    "record_table",
    "set_filter",
    "sidebar_filters",
    "store",
    "t",
    "table",
    "visit_caption",
]
