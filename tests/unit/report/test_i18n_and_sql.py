"""Both languages are complete; SQL lives in queries/ and takes every value by binding."""

import re
from pathlib import Path

import pytest
from babel import Locale

from innovisits import i18n
from innovisits.data import sql
from innovisits.i18n import formatting

PROJECT = Path(__file__).resolve().parents[3]
PYTHON_SOURCES = [*PROJECT.glob("innovisits/**/*.py"), *PROJECT.glob("pages/**/*.py"), PROJECT / "dashboard.py"]


PLURAL_FORM = re.compile(r"_(zero|one|two|few|many|other)$")


def _stem(key: str) -> str:
    """A counted noun's key without its plural form: each language has its own CLDR forms (zh: other only)."""
    return PLURAL_FORM.sub("", key) if key.startswith("count_") else key


def test_every_string_exists_in_both_languages():
    en, zh = i18n.catalogue()["en"], i18n.catalogue()["zh"]
    assert {_stem(k) for k in en} == {_stem(k) for k in zh}
    assert all(zh[k].strip() for k in zh)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_counted_noun_has_every_plural_form_of_its_language(lang):
    forms = Locale.parse(formatting.LOCALES[lang]).plural_form.tags | {"other"}
    keys = [k for k in i18n.catalogue()[lang] if k.startswith("count_")]
    for stem in {_stem(k) for k in keys}:
        assert {f"{stem}_{form}" for form in forms} <= set(keys), stem


def test_placeholders_match_between_languages():
    en, zh = i18n.catalogue()["en"], i18n.catalogue()["zh"]
    for key in en:
        other = key if key in zh else f"{_stem(key)}_other"
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", zh[other])), key


def test_unknown_language_falls_back_to_english():
    assert i18n.t("metric_visits", "fr") == "Visits"
    assert i18n.t("metric_visits", "zh") == "考察次數"


def test_query_names_cannot_escape_the_folder():
    with pytest.raises(ValueError):
        sql.load("../README")


def test_parameters_are_read_from_sql_not_comments():
    assert sql.parameters("visit") == {"visit_id"}
    assert "limit" in sql.parameters("visit_list")


@pytest.mark.parametrize("path", PYTHON_SOURCES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_sql_is_formatted_in_python(path):
    """No f-string, %-format or .format() near an execute/sql call; SQL text comes from queries/ only."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""\b(execute|sql|query|read_csv|from_query)\(\s*f["']""", text)
    assert not re.search(r"""(select|insert|delete|update|create)\s[^"']*["']\s*(%|\.format\()""", text, re.I)
    assert not re.search(r"""["']\s*(select|insert into|delete from|update|create table)\s""", text, re.I), (
        "SQL statements belong in queries/*.sql"
    )


def test_the_checks_read_every_page():
    assert PROJECT / "pages" / "staff" / "upload.py" in PYTHON_SOURCES


def test_no_unsafe_html():
    for path in PYTHON_SOURCES:
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path


def test_a_missing_text_raises_under_test_and_shows_its_key_live(monkeypatch):
    assert i18n.t("metric_visits", "zh") == "考察次數"
    with pytest.raises(KeyError, match="no_such_text"):
        i18n.t("no_such_text", "en")
    monkeypatch.delenv(i18n.STRICT_ENV)
    assert i18n.t("no_such_text", "zh") == "no_such_text"
