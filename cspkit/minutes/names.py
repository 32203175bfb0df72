"""People named in minutes: who a name in a document is, and who a decision gives a task to.

Minutes name people as the registry does not always spell them: "Insp Dave Stokes",
"Mrs D. Taylor CC", "Cllr. L. Blackshaw". :class:`PeopleMatcher` knows every name, alias
and title of the registry as word sequences, so it can find a person at the start of a
decision ("that Inspector Stokes liaise with …") and resolve a name in an attendance list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cspkit.lookup import suggestions

if TYPE_CHECKING:
    from cspkit.repo import Repo

#: Titles, ranks and honorifics written before a name (as words, lower case).
TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "revd",
    "cllr", "councillor", "county", "city", "borough", "district",
    "inspector", "insp", "chief", "ch", "detective", "det", "superintendent", "supt", "sergeant", "sgt", "pc",
    "pcso", "constable", "dci", "di", "ds", "dc", "station", "watch", "group", "area", "manager", "commander",
    "officer", "assistant", "deputy", "acting", "temporary", "t",
}
#: Letters after a name ("CC" for a county councillor, honours).
POSTNOMINALS = {"cc", "mbe", "obe", "cbe", "qpm", "jp", "bem", "kpm", "dl", "frsa"}
#: Words after a decision's subject that make it no task for them ("Inspector Stokes be appointed …").
NOT_A_TASK = {"s", "was", "were", "is", "are", "has", "had", "have", "who", "whose", "of", "or", "for", "with",
              "from", "as", "in", "on", "at"}
#: "X be requested to …": the passive forms that still give X a task.
TASK_PASSIVES = {"requested", "asked", "invited", "tasked", "authorised", "authorized", "instructed",
                 "delegated", "required", "empowered", "encouraged", "directed", "charged"}
#: Roles a decision may name as its subject ("that the Chair write to …").
ROLES = {("the", "chair"), ("the", "chairman"), ("the", "chairperson"), ("the", "vice", "chair"),
         ("the", "vice", "chairman")}


def words(text: str) -> list[str]:
    """``text`` as lower-case words, commas kept as words of their own (they end appositions)."""
    text = text.replace("\u2019", "'").replace("'", "")
    return re.findall(r"[a-z0-9]+|,", text.lower())


class PeopleMatcher:
    """Every way the registry names a person, as word sequences, for finding people in text."""

    def __init__(self, repo: Repo, chair: str | None = None, vice_chair: str | None = None):
        self.repo = repo
        self.roles = {"chair": chair, "vice-chair": vice_chair}
        self.by_words: dict[tuple[str, ...], set[str]] = {}
        self.longest = 1
        for pid, p in repo.people.items():
            forms = {p.name, p.display_name, *p.aliases}
            for form in forms:
                self._add(form, pid)
                bare = self._bare(words(form))
                if bare:
                    self.by_words.setdefault(bare, set()).add(pid)
            if p.title:
                # "Inspector Stokes": a title and the surname
                surname = words(p.name)[-1:] if words(p.name) else []
                if surname:
                    self._add(f"{p.title} {surname[0]}", pid)

    def _add(self, form: str, pid: str) -> None:
        key = tuple(w for w in words(form) if w != ",")
        if key:
            self.by_words.setdefault(key, set()).add(pid)
            self.longest = max(self.longest, len(key))

    @staticmethod
    def _bare(ws: list[str]) -> tuple[str, ...]:
        """A name's words without titles before it and letters after it."""
        ws = [w for w in ws if w != ","]
        while len(ws) > 1 and ws[0] in TITLES:
            ws = ws[1:]
        while len(ws) > 1 and ws[-1] in POSTNOMINALS:
            ws = ws[:-1]
        return tuple(ws)

    # ------------------------------------------------------------------ whole names
    def resolve(self, text: str) -> str | None:
        """The one person ``text`` names (an id, a name or alias, with or without titles), or None."""
        text = text.strip()
        if text in self.repo.people:
            return text
        ws = [w for w in words(text) if w != ","]
        for key in (tuple(ws), self._bare(ws)):
            found = self.by_words.get(key, set())
            if len(found) == 1:
                return next(iter(found))
        return None

    def ambiguous(self, text: str) -> list[str]:
        """The people ``text`` could be, when it names more than one."""
        ws = [w for w in words(text) if w != ","]
        for key in (tuple(ws), self._bare(ws)):
            found = self.by_words.get(key, set())
            if len(found) > 1:
                return sorted(found)
        return []

    def hint(self, text: str) -> str:
        """" (did you mean 'Dave Stokes'?)" for a name that is not on the registry."""
        pool: dict[str, str] = {}
        for p in self.repo.people.values():
            for form in (p.name, p.display_name, *p.aliases):
                pool.setdefault(form, p.id)
        ids = list(dict.fromkeys(pool[n] for n in suggestions(text, pool.keys(), limit=6)))[:3]
        names = [self.repo.people[i].name for i in ids]
        return (" (did you mean " + " or ".join(f"'{n}'" for n in names) + "?)") if names else ""

    # ------------------------------------------------------------------ subjects of decisions
    def _at(self, ws: list[str], i: int) -> tuple[str, int] | None:
        """The person whose name starts at word ``i`` (titles allowed before it), and where it ends."""
        start = i
        while True:
            for n in range(min(self.longest, len(ws) - i), 0, -1):
                found = self.by_words.get(tuple(ws[i:i + n]), set())
                if len(found) == 1:
                    end = i + n
                    while end < len(ws) and ws[end] in POSTNOMINALS:
                        end += 1
                    return next(iter(found)), end
            if i < len(ws) and ws[i] in TITLES and i - start < 4:
                i += 1
                continue
            return None

    def subject(self, clause: str) -> list[str]:
        """The people a decision gives a task to, when they are its subject, else [].

        "James O'Connell look into …", "Inspector X and Y report back …", "Bob Bearne be
        requested to provide …", "the Chair write to …" (the meeting's chair). Not:
        "Inspector X be appointed Vice-Chair …", "the Chair's report be noted".
        """
        ws = words(re.sub(r"\([^()]*\)", " ", clause))
        found: list[str] = []
        i = 0
        while i < len(ws):
            role = next((r for r in ROLES if tuple(ws[i:i + len(r)]) == r), None)
            if role is not None:
                pid = self.roles["vice-chair" if "vice" in role else "chair"]
                if pid is None:
                    return []
                hit: tuple[str, int] | None = (pid, i + len(role))
            else:
                hit = self._at(ws, i)
            if hit is None:
                return []
            pid, i = hit
            if pid not in found:
                found.append(pid)
            if i < len(ws) and ws[i] == ",":  # an apposition: ", NPA Commander,"
                close = next((k for k in range(i + 1, min(i + 10, len(ws))) if ws[k] == ","), None)
                if close is not None and (close + 1 >= len(ws) or ws[close + 1] != "and"):
                    i = close + 1
                elif close is not None:
                    i = close + 2
                    continue
            if i < len(ws) and ws[i] in ("and", ","):
                i += 1
                continue
            break
        if not found or i >= len(ws):
            return []
        nxt = ws[i]
        if nxt == "be":
            return found if i + 1 < len(ws) and ws[i + 1] in TASK_PASSIVES else []
        if nxt in NOT_A_TASK:
            return []
        return found

    def names(self, pids: Iterable[str]) -> str:
        return ", ".join(self.repo.people[p].name if p in self.repo.people else p for p in pids)
