"""The global filters: one value object shared by the pages, the URL, the CLI and every query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

# URL query-string key for each filter field; lists repeat the key (?city=Shenzhen&city=Dongguan).
QUERY_KEYS = {
    "date_from": "from",
    "date_to": "to",
    "cities": "city",
    "departments": "dept",
    "kinds": "kind",
    "categories": "cat",
}


class Filters(NamedTuple):
    """Empty tuples and None mean "no filter". Hashable, so it can key caches. (A named tuple: a process
    that imports it starts sooner than with a dataclass.)"""

    date_from: date | None = None
    date_to: date | None = None
    cities: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        """Values for the `$` parameters of the filter macros (None for an empty choice)."""
        out: dict[str, Any] = {}
        for name, value in self._asdict().items():
            out[name] = (list(value) or None) if isinstance(value, tuple) else value
        return out

    def is_empty(self) -> bool:
        return self == Filters()

    def with_values(self, **changes: Any) -> Filters:
        """A copy with some fields replaced; lists become sorted, de-duplicated tuples."""
        clean = {}
        for name, value in changes.items():
            if name.startswith("date_"):
                clean[name] = value or None
            else:
                clean[name] = tuple(sorted(set(value or ())))
        return self._replace(**clean)

    def to_query(self) -> dict[str, str | list[str]]:
        """The URL query-string form: only fields that are set."""
        out: dict[str, str | list[str]] = {}
        for name, key in QUERY_KEYS.items():
            value = getattr(self, name)
            if isinstance(value, date):
                out[key] = value.isoformat()
            elif value:
                out[key] = list(value)
        return out

    @classmethod
    def from_query(cls, query: Mapping[str, str | Sequence[str]]) -> Filters:
        """Read filters from a query string mapping, ignoring values that do not parse."""
        values: dict[str, Any] = {}
        for name, key in QUERY_KEYS.items():
            raw = query.get(key)
            if raw is None:
                continue
            items = [raw] if isinstance(raw, str) else list(raw)
            if name.startswith("date_"):
                values[name] = _parse_date(items[0]) if items else None
            else:
                values[name] = tuple(sorted({i.strip() for i in items if i and i.strip()}))
        return cls(**values)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
