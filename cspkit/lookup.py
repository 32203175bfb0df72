"""Turning what people type ("Dave Stokes", "dave-stoke", "2023-10-12") into ids and dates,
with did-you-mean."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from cspkit.errors import UserError


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """``YYYY-MM-DD`` as a date (:func:`cspkit.dates.iso_date`: not ``20231012``, not year 1);
    anything else is refused with one clear line (exit 1)."""
    from cspkit.dates import in_range, iso_date

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

    def __init__(self, kind: str, entries: Mapping[str, Iterable[str]]):
        self.kind = kind
        self.ids = set(entries)
        self.by_name: dict[str, set[str]] = {}
        for ident, names in entries.items():
            for name in (ident, *names):
                if name:
                    self.by_name.setdefault(_norm(name), set()).add(ident)

    def hint(self, text: str) -> str:
        """Did-you-mean for an unknown id: suggest ids whose names or aliases are close."""
        close = suggestions(text, self.by_name.keys())
        ids = list(dict.fromkeys(i for name in close for i in sorted(self.by_name[name])))[:3]
        return (" (did you mean " + " or ".join(f"'{i}'" for i in ids) + "?)") if ids else ""

    def resolve(self, text: str) -> str:
        """An id from an id, a name or an alias; an unknown or ambiguous one is refused."""
        if text in self.ids:
            return text
        found = self.by_name.get(_norm(text), set())
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            raise UserError(f"'{text}' could be more than one {self.kind}: {', '.join(sorted(found))}; give the id")
        raise UserError(f"unknown {self.kind} '{text}'{self.hint(text)}")


def people_index(people: Mapping) -> Index:
    return Index("person", {pid: [p.name, p.display_name, *p.aliases] for pid, p in people.items()})


def organisation_index(orgs: Mapping) -> Index:
    return Index("organisation", {oid: [o.name, o.short_name or "", *o.aliases] for oid, o in orgs.items()})
