"""Bilingual text (English / 繁體中文). Strings live in `locales/*.toml`, one file per area, each with an
`[en]` and a `[zh]` table holding the same keys, so a feature adds its own file and nothing else."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "繁體中文"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"
STRICT_ENV = "INNOVISITS_STRICT_TEXT"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every string in every language, merged from all locale files."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for lang in LANGUAGES:
            duplicated = merged[lang].keys() & data.get(lang, {}).keys()
            if duplicated:
                raise ValueError(f"{path.name} redefines {sorted(duplicated)}")
            merged[lang].update(data.get(lang, {}))
    return merged


def language(code: str | None) -> str:
    """A supported language code: anything unknown falls back to English."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def has(key: str) -> bool:
    """Whether some language has a text for `key` (for optional labels, such as a column's header)."""
    return any(key in strings for strings in catalogue().values())


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` (English when missing), with `{placeholders}` filled in. A key in no
    language is a bug: with `INNOVISITS_STRICT_TEXT=1` (the tests set it) it raises; a live page logs it and
    shows the key rather than failing in front of an audience."""
    strings = catalogue()
    text = strings[language(lang)].get(key) or strings[DEFAULT_LANGUAGE].get(key)
    if text is None:
        if os.environ.get(STRICT_ENV) == "1":
            raise KeyError(f"no text for {key!r} in any locale file")
        import logging  # only here: a CLI call imports this module, and logging costs it 0.007 s

        logging.getLogger(__name__).warning("no text for %r in any locale file", key)
        text = key
    return text.format(**values) if values else text


# Names whose English form is the key itself (a city's canonical English name is its id).
ENGLISH_NAME_IS_KEY = {"city"}


def name_column(base: str, lang: str) -> str:
    """The column holding a name in the chosen language: `department_en` or `department_zh`."""
    if language(lang) == "zh":
        return f"{base}_zh"
    return base if base in ENGLISH_NAME_IS_KEY else f"{base}_en"


def own_text(record: Mapping[str, object], base: str, lang: str) -> str | None:
    """A visit's host, title or notes in `lang` (`host` is English, `host_zh` Chinese), falling back to the
    other language when its own is empty."""
    english, chinese = record.get(base), record.get(f"{base}_zh")
    first, second = (chinese, english) if language(lang) == "zh" else (english, chinese)
    return next((v for v in (first, second) if isinstance(v, str) and v.strip()), None)
