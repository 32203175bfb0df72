"""Turning what people type ("Dave Stokes", "dave-stoke", "2023-10-12") into ids and dates,
with did-you-mean."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cspkit.dates import in_range, iso_date
from cspkit.errors import UserError

if TYPE_CHECKING:
    from cspkit.models.registry import Organisation, Person


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """``YYYY-MM-DD`` as a date (:func:`cspkit.dates.iso_date`: not ``20231012``, not year 1);
    anything else is refused with one clear line (exit 1)."""
    try:
        if isinstance(value, dt.date):
            return in_range(value)
        return iso_date(str(value).strip())
    except ValueError as exc:
        if "outside the years" in str(exc):
            raise UserError(f"{what} {exc}") from None
        raise UserError(f"{what} '{value}' is not a date in the form YYYY-MM-DD") from None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def name_key(text: str) -> str:
    """A name as it is compared: case, spacing and punctuation left out ("D. Stokes" = "d stokes")."""
    return _norm(text)


#: Ranks and honorifics written before a name in minutes ("Insp Dave Stokes", "Cllr. Liz
#: Blackshaw") and letters written after it ("Mrs D. Taylor CC"): a name typed with them is
#: the same person as the name without them.
_BEFORE = {"insp", "inspector", "ch", "chief", "supt", "superintendent", "sgt", "sergeant", "det", "detective",
           "ds", "dc", "pc", "pcso", "cllr", "councillor", "mr", "mrs", "ms", "miss", "mx", "dr", "prof",
           "professor", "sir", "dame"}
_AFTER = {"cc", "mbe", "obe", "cbe", "qpm", "kpm", "jp"}


def _bare(norm: str) -> str:
    """A normalised name without the ranks and honorifics around it (never empty)."""
    words = norm.split()
    while len(words) > 1 and words[0] in _BEFORE:
        words.pop(0)
    while len(words) > 1 and words[-1] in _AFTER:
        words.pop()
    return " ".join(words)


_NAME_LIKE = re.compile(r"[^\W\d_][\w .,'’()-]*")


def did_you_mean(word: str, candidates: Iterable[str], limit: int = 3) -> str:
    """`` (did you mean 'venue'?)`` or an empty string when nothing is close."""
    names = suggestions(word, candidates, limit)
    if not names:
        return ""
    return " (did you mean " + " or ".join(f"'{n}'" for n in names) + "?)"


def suggestions(word: str, candidates: Iterable[str], limit: int = 3, cutoff: float = 70) -> list[str]:
    from rapidfuzz import fuzz, process

    pool = list(dict.fromkeys(candidates))
    if not pool:
        return []
    found = process.extract(word, pool, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff,
                            processor=_norm)
    return [name for name, _, _ in found]


class Index:
    """Names and aliases of a registry (people or organisations) mapped to ids."""

    def __init__(self, kind: str, entries: Mapping[str, Iterable[str]], add: str = ""):
        self.kind = kind
        #: how to add one that is not there: a command with {name} for what was typed
        self.add = add
        self.ids = set(entries)
        self.by_name: dict[str, set[str]] = {}
        self.by_bare: dict[str, set[str]] = {}
        for ident, names in entries.items():
            for name in (ident, *names):
                if name:
                    self.by_name.setdefault(_norm(name), set()).add(ident)
                    self.by_bare.setdefault(_bare(_norm(name)), set()).add(ident)

    def hint(self, text: str) -> str:
        """Did-you-mean for an unknown id: suggest ids whose names or aliases are close."""
        close = suggestions(text, self.by_name.keys())
        ids = list(dict.fromkeys(i for name in close for i in sorted(self.by_name[name])))[:3]
        return (" (did you mean " + " or ".join(f"'{i}'" for i in ids) + "?)") if ids else ""

    def find(self, text: str) -> set[str]:
        """The ids ``text`` names: as an id, a name or an alias, with or without a rank or
        honorific ("Insp Dave Stokes"). Empty when it names none."""
        if text in self.ids:
            return {text}
        norm = _norm(text)
        return self.by_name.get(norm) or self.by_bare.get(_bare(norm)) or set()

    def resolve(self, text: str) -> str:
        """An id from an id, a name or an alias; an unknown or ambiguous one is refused.

        An unknown one is refused with the nearest matches and, for a name, how to add it."""
        found = self.find(text)
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            raise UserError(f"'{text}' could be more than one {self.kind}: {', '.join(sorted(found))}; give the id")
        add = ""
        if self.add and _NAME_LIKE.fullmatch(text.strip()):
            add = "; to add them: " if self.kind == "person" else "; to add it: "
            add += self.add.format(name=_quoted(text.strip()))
        raise UserError(f"unknown {self.kind} '{text}'{self.hint(text)}{add}")


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text or "'" in text else text


def people_index(people: Mapping[str, Person]) -> Index:
    return Index("person", {pid: [p.name, p.display_name, *p.aliases] for pid, p in people.items()},
                 add="cspkit people add {name} --organisation ORGANISATION")


def organisation_index(orgs: Mapping[str, Organisation]) -> Index:
    return Index("organisation", {oid: [o.name, o.short_name or "", *o.aliases] for oid, o in orgs.items()},
                 add="cspkit organisations add {name}")
