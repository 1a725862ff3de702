"""Cities, departments and categories as people write them -> the canonical key in the reference tables.
Every name in the reference tables resolves (English name, Chinese name, code; any case), and aliases add
abbreviations (食環署 -> FEHD: `data/aliases.csv` and those staff add, see `snapshot`). Unknown values get the
closest known names."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from innovisits.ingest.rules import CATEGORY, CITY, DEPARTMENT

if TYPE_CHECKING:
    from innovisits.ingest.snapshot import Snapshot

# kind -> (reference table, key column, other name columns)
REFERENCES = {
    CITY: ("cities", "city", ("name_zh",)),
    DEPARTMENT: ("departments", "department_id", ("name_en", "name_zh")),
    CATEGORY: ("technologies", "category_id", ("name_en", "name_zh")),
}
_VARIANTS = str.maketrans({"衛": "衞", "台": "臺"})  # variant characters people type interchangeably


def key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_VARIANTS).casefold().split())


@dataclass(frozen=True)
class Resolver:
    kind: str
    names: dict[str, str]  # normalised name -> canonical key
    canonical: frozenset[str]
    shown: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # key -> language -> name in messages

    def label(self, lang: str) -> Callable[[str], str]:
        """How a key is named in a message in `lang`: a department with its code, a city or category by name."""
        return lambda key_: self.shown.get(key_, {}).get(lang) or key_

    def resolve(self, value: str) -> str | None:
        return self.names.get(key(value))

    def closest(self, value: str, n: int = 3) -> list[str]:
        """The canonical keys whose names look most like `value`, best first."""
        found = difflib.get_close_matches(key(value), self.names, n=n * 3, cutoff=0.5)
        return list(dict.fromkeys(self.names[f] for f in found))[:n]


def aliases(snapshot: Snapshot) -> dict[tuple[str, str], str]:
    """(kind, normalised alias) -> canonical key; of an alias given twice, the later file's."""
    found = {}
    rows = snapshot.con.table("aliases").order("_source").select("kind", "alias", "canonical").fetchall()
    for kind, alias, canonical in rows:
        if kind and alias and canonical:
            found[(kind, key(alias))] = canonical
    return found


def resolvers(snapshot: Snapshot) -> Mapping[str, Resolver]:
    """One resolver a kind, from the reference tables and the aliases (names win over aliases), each made
    when first asked for: a file of delegates needs the departments only (reading the other tables cost a
    fresh ingest 0.03 s)."""
    return _Resolvers(snapshot)


class _Resolvers(Mapping):
    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._made: dict[str, Resolver] = {}

    @functools.cached_property
    def _aliases(self) -> dict[tuple[str, str], str]:
        return aliases(self._snapshot)

    def __getitem__(self, kind: str) -> Resolver:
        if kind not in self._made:
            self._made[kind] = self._resolver(kind)
        return self._made[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(REFERENCES)

    def __len__(self) -> int:
        return len(REFERENCES)

    def _resolver(self, kind: str) -> Resolver:
        table, key_column, others = REFERENCES[kind]
        names: dict[str, str] = {}
        shown: dict[str, dict[str, str]] = {}
        for row in self._snapshot.con.table(table).select(key_column, *others).fetchall():
            for name in (*row[1:], row[0]):  # the key wins when a name equals another row's key
                if name:
                    names[key(name)] = row[0]
            shown[row[0]] = _shown(kind, *row)
        canonical = frozenset(names.values())
        for (alias_kind, alias), target in self._aliases.items():
            if alias_kind == kind and target in canonical:
                names.setdefault(alias, target)
        return Resolver(kind, names, canonical, shown)


def _shown(kind: str, code: str, *names: str | None) -> dict[str, str]:
    """A reference row's names in messages: a city is named (its key is its English name), a department
    by code and name (codes are what people write), a category by name."""
    zh = names[-1] or (names[0] if len(names) > 1 else None) or code
    en = names[0] if kind == CATEGORY and names[0] else code
    if kind == DEPARTMENT:
        return {"en": code, "zh": f"{zh}（{code}）"}
    return {"en": en, "zh": zh}
