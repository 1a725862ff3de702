"""The app's own words are accepted back: every header a page shows a column under, and every value label
(visit types, roles, follow-up stages), in English and Chinese, as the upload reads them."""

import pytest

from innovisits import i18n
from innovisits.ingest import headers
from innovisits.ingest.rules import TABLES
from innovisits.ingest.validate import choice_names

SHOWN = [
    (table, column, lang)
    for table, rule in TABLES.items()
    for column in (c.name for c in rule.columns())
    for lang in i18n.LANGUAGES
    if headers.label_keys(rule, column)
]


@pytest.mark.parametrize(("table", "column", "lang"), SHOWN)
def test_every_header_the_app_shows_names_its_column(table, column, lang):
    rule = TABLES[table]
    for key in headers.label_keys(rule, column):
        assert headers.header_names()[table][headers.normalise(i18n.t(key, lang))] == column


@pytest.mark.parametrize(
    ("headers_written", "kind", "columns"),
    [
        (["考察", "日期", "城市", "接待機構", "類型", "主題"], "visits", ["visit_id", "visit_date", "city", "host"]),
        (["Visit", "Date", "City", "Host (Chinese)", "Delegates", "Departments"], "visits", ["host_zh"]),
        (["Code (Technology category)", "Code (Department)", "Status", "Follow-up date"], "follow_ups", ["status"]),
        (["代號 (科技類別)", "部門", "階段", "跟進日期", "備註", "曾在考察中接觸"], "follow_ups", ["note"]),
    ],
)
def test_exported_headers_are_recognised_and_counts_ignored(headers_written, kind, columns):
    match = headers.recognise(headers_written)
    assert (match.kind, match.unknown, match.missing) == (kind, [], [])
    assert set(columns) <= set(match.columns.values())


@pytest.mark.parametrize(
    ("table", "column", "written", "value"),
    [
        ("visits", "visit_type", "專題會議", "seminar"),
        ("visits", "visit_type", "Thematic seminar", "seminar"),
        ("visits", "visit_type", "創新基地", "innovation_base"),
        ("participants", "role", "團長", "leader"),
        ("participants", "role", "Delegate", "delegate"),
        ("follow_ups", "status", "試點", "pilot"),
        ("follow_ups", "status", "Adopted", "adopted"),
    ],
)
def test_value_labels_in_either_language_are_accepted(table, column, written, value):
    assert choice_names(TABLES[table], column)[written.casefold()] == value
