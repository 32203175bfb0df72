"""The registry of people and organisations: add, correct, rename, merge, list.

Every other record refers to people by id, so the registry is where a spelling is fixed once
for everywhere. A person's id can be changed (``update_person(new_id=…)``): every reference
in every record file — attendance, leads, owners, histories, ``cspkit.yaml`` — is rewritten
in the same commit, and the old id stays as an alias so that it can still be typed. Two
entries for one person are merged the same way (:func:`merge_people`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cspkit.errors import ConflictError, Loc, UserError
from cspkit.fileio import real_path
from cspkit.listing import Column, Table
from cspkit.lookup import name_key, organisation_index, people_index
from cspkit.models.common import SLUG_RE
from cspkit.models.refs import get_at, references, set_at
from cspkit.models.registry import Organisation, Person
from cspkit.session import Session
from cspkit.workflows._common import Written, id_from, parse_date, set_keys


@dataclass
class RegistryResult(Written):
    """A person or organisation added or changed, and how many references elsewhere changed."""

    id: str
    name: str
    kind: str = "person"
    old_id: str | None = None
    references: int = 0
    """References to the old id rewritten in other records (a rename or a merge)."""
    merged: str | None = None
    """The id of the entry merged into this one."""
    changes: list[str] = field(default_factory=list)
    """What changed, in words ("name", "organisation" ...)."""


# --------------------------------------------------------------------------- helpers


def _new_id(s: Session, text: str | None, name: str, taken: dict[str, Any], what: str) -> str:
    ident = (text or "").strip() or id_from(name)
    if not re.match(SLUG_RE, ident):
        hint = "" if text else " (give one with --id)"
        raise UserError(f"'{ident}' is not a valid id: use lower-case letters, digits and hyphens{hint}")
    if ident in taken:
        raise ConflictError(f"there is already {what} with the id '{ident}' ({taken[ident].name}): "
                            "give another with --id")
    return ident


def _aliases(s: Session, pid: str | None, names: list[str]) -> list[str]:
    """Aliases as given, refused when one already names somebody else."""
    index = people_index(s.repo.people)
    out: list[str] = []
    for alias in names:
        alias = alias.strip()
        if not alias:
            continue
        others = index.find(alias) - {pid}
        if others:
            raise ConflictError(f"'{alias}' already names {', '.join(sorted(others))}: it cannot also be an alias "
                                f"of {pid or 'this person'}")
        out.append(alias)
    return out


def _registry_path(s: Session, kind: str) -> Any:
    return s.path(kind)


def _append(s: Session, kind: str, key: str, data: dict[str, Any]) -> None:
    """Add ``data`` to the registry file of ``kind`` (people or organisations), creating it if need be."""
    path = _registry_path(s, kind)
    if path.exists() or real_path(path) in s.changes:
        def mutate(doc: Any) -> None:
            if not doc.get(key):
                doc[key] = [data]
            else:
                doc[key].append(data)

        s.edit(path, mutate)
    else:
        s.create(path, {key: [data]})


def _index_in_file(s: Session, pid: str) -> int:
    people = s.repo.sources[s.rel(_registry_path(s, "people"))].data["people"]
    return next(i for i, p in enumerate(people) if isinstance(p, dict) and p.get("id") == pid)


def _set_fields(s: Session, pid: str, fields: dict[str, Any]) -> None:
    """Set (or, for None, remove) fields of a person's registry entry."""
    index = _index_in_file(s, pid)
    set_keys(s, _registry_path(s, "people"), lambda doc: doc["people"][index], fields, Person)


def _person_data(pid: str, name: str, *, title: str | None, aliases: list[str], organisation: str | None,
                 role: str | None, member: bool) -> dict[str, Any]:
    """A person as data, keys in the order :class:`Person` declares them."""
    data: dict[str, Any] = {"id": pid, "name": name}
    if title:
        data["title"] = title
    if aliases:
        data["aliases"] = aliases
    if organisation:
        data["organisation"] = organisation
    if role:
        data["role"] = role
    if member:
        data["member"] = True
    return data


def rewrite_people(s: Session, mapping: dict[str, str]) -> int:
    """Make every reference to a person id in ``mapping`` (old -> new) refer to the new one, in
    every record file; a list that then names someone twice keeps the first. Returns how many
    references changed."""
    count = 0
    for src in list(s.repo.sources.values()):
        if not isinstance(src.data, dict):
            continue
        found = [loc for loc, kind, value in references(src.kind.model, src.data)
                 if kind in ("person", "lead") and isinstance(value, str) and value in mapping]
        if not found:
            continue
        count += len(found)
        model = src.kind.model

        def mutate(doc: Any, model: Any = model) -> None:
            changed = [loc for loc, kind, value in references(model, doc)
                       if kind in ("person", "lead") and isinstance(value, str) and value in mapping]
            for loc in changed:
                set_at(doc, loc, mapping[get_at(doc, loc)])
            _drop_repeats(doc, changed)

        s.edit(src.path, mutate)
    return count


def _drop_repeats(doc: Any, changed: list[Loc]) -> None:
    """In each list holding a rewritten reference, keep only the first of repeated entries
    (``owners: [a, a]``; two attendance rows for one person in the same group)."""
    lists: dict[Loc, Loc] = {}
    for loc in changed:
        # the list is the innermost int in the path: owners[1] or present[3].person
        at = max((i for i, part in enumerate(loc) if isinstance(part, int)), default=None)
        if at is not None:
            lists.setdefault(loc[:at], loc[at + 1:])
    for where, inner in lists.items():
        items = get_at(doc, where)
        seen: list[Any] = []
        keep = []
        for item in items:
            try:
                key = get_at(item, inner)
            except (KeyError, IndexError, TypeError):
                key = object()  # not a reference: never a repeat
            if key in seen:
                continue
            seen.append(key)
            keep.append(item)
        if len(keep) != len(items):
            items[:] = keep


# --------------------------------------------------------------------------- people


def add_person(s: Session, name: str, *, organisation: str | None = None, title: str | None = None,
               aliases: list[str] | None = None, role: str | None = None, member: bool = False,
               person_id: str | None = None, dry_run: bool = False) -> RegistryResult:
    """Add a person to ``records/people.yaml``; the id is made from the name unless given.

    A name that already names someone on the registry is refused (it would make typing it
    ambiguous) unless an id is given for the new person.
    """
    name = " ".join((name or "").split())
    if not name:
        raise UserError("give the person's name")
    if not person_id:
        existing = people_index(s.repo.people).find(name)
        if existing:
            pid = sorted(existing)[0]
            raise ConflictError(f"'{name}' is already on the registry as '{pid}' (cspkit people update {pid} … "
                                "changes them; give --id to add a different person of the same name)")
    pid = _new_id(s, person_id, name, s.repo.people, "a person")
    org = s.organisation(organisation) if organisation else None
    data = _person_data(pid, name, title=(title or "").strip() or None, aliases=_aliases(s, None, aliases or []),
                        organisation=org, role=(role or "").strip() or None, member=member)
    _append(s, "people", "people", data)
    return RegistryResult(id=pid, name=name, **Written.of(s.commit(dry_run)))


def update_person(s: Session, person: str, *, name: str | None = None, new_id: str | None = None,
                  organisation: str | None = None, title: str | None = None, role: str | None = None,
                  aliases: list[str] | None = None, member: bool | None = None, left: str | dt.date | None = None,
                  dry_run: bool = False) -> RegistryResult:
    """Correct a person's entry. A new ``name`` keeps the old one as an alias (so it can still be
    typed); a new id is written into every record that refers to the person, and the old id
    kept as an alias. ``left``: their last day (later references are errors)."""
    pid = s.person(person)
    current = s.repo.people[pid]
    changes: list[str] = []
    name = " ".join(name.split()) if name else None
    keep: list[str] = []
    if name and name != current.name:
        others = people_index(s.repo.people).find(name) - {pid}
        if others:
            raise ConflictError(f"'{name}' already names {', '.join(sorted(others))}: to make them one person, "
                                f"cspkit people merge {pid} --into {sorted(others)[0]}")
        keep.append(current.name)
        changes.append("name")
    target = pid
    if new_id and new_id.strip() != pid:
        target = _new_id(s, new_id, current.name, s.repo.people, "a person")
        keep.append(pid)
        changes.append("id")
    added = _aliases(s, pid, aliases or [])
    if added:
        changes.append("aliases")
    org = s.organisation(organisation) if organisation else None
    if org and org != current.organisation:
        changes.append("organisation")
    if title is not None and (title.strip() or None) != current.title:
        changes.append("title")
    if role is not None and (role.strip() or None) != current.role:
        changes.append("role")
    if member is not None and member != current.member:
        changes.append("member")
    left_day = parse_date(left, "--left") if left is not None else None
    if left_day is not None:
        if current.active_from and left_day < current.active_from:
            raise UserError(f"{left_day} is before {current.name} joined ({current.active_from})")
        changes.append("left")
    if not changes:
        raise UserError("nothing to change: give --name, --id, --organisation, --title, --role, --alias, "
                        "--member/--not-member or --left")
    # The old spellings stay findable: the previous name and id become aliases (unless they
    # read the same as a name the person still has).
    new_aliases = list(current.aliases)
    spelled = {name_key(n) for n in (name or current.name, *new_aliases)}
    for old in [*keep, *added]:
        if name_key(old) not in spelled:
            new_aliases.append(old)
            spelled.add(name_key(old))
    fields: dict[str, Any] = {}
    if target != pid:
        fields["id"] = target
    if name:
        fields["name"] = name
    if new_aliases != list(current.aliases):
        fields["aliases"] = new_aliases
    for key, value in (("organisation", org), ("title", title), ("role", role)):
        if value is not None:
            fields[key] = value.strip() or None
    if member is not None:
        fields["member"] = True if member else None
    if left_day is not None:
        fields["active_to"] = left_day
    _set_fields(s, pid, fields)
    count = rewrite_people(s, {pid: target}) if target != pid else 0
    done = Written.of(s.commit(dry_run))
    return RegistryResult(id=target, name=name or current.name, old_id=pid if target != pid else None,
                          references=count, changes=changes, **done)


def merge_people(s: Session, duplicate: str, into: str, *, dry_run: bool = False) -> RegistryResult:
    """Make two registry entries one person: every reference to ``duplicate`` now names ``into``;
    the duplicate's name, id and aliases become aliases of ``into``, and what ``into`` lacks
    (title, organisation, role) is taken from it. The duplicate's entry is removed."""
    dup_id, keep_id = s.person(duplicate), s.person(into)
    if dup_id == keep_id:
        raise UserError(f"'{duplicate}' and '{into}' are the same person ({keep_id})")
    dup, keep = s.repo.people[dup_id], s.repo.people[keep_id]
    names = {name_key(n) for n in (keep.name, keep.display_name, *keep.aliases)}
    aliases = list(keep.aliases)
    for spelling in (dup.name, *dup.aliases, dup_id):
        if name_key(spelling) not in names:
            aliases.append(spelling)
            names.add(name_key(spelling))
    dup_index = _index_in_file(s, dup_id)

    fields: dict[str, Any] = {}
    if aliases != list(keep.aliases):
        fields["aliases"] = aliases
    for key in ("title", "organisation", "role"):
        if getattr(keep, key) is None and getattr(dup, key) is not None:
            fields[key] = getattr(dup, key)
    if dup.member and not keep.member:
        fields["member"] = True
    _set_fields(s, keep_id, fields)

    def drop(doc: Any) -> None:
        del doc["people"][dup_index]

    s.edit(_registry_path(s, "people"), drop)
    count = rewrite_people(s, {dup_id: keep_id})
    done = Written.of(s.commit(dry_run))
    return RegistryResult(id=keep_id, name=keep.name, merged=dup_id, references=count, **done)


PEOPLE_COLUMNS = [
    Column("id", "Id"),
    Column("name", "Name", ratio=2, min_width=12),
    Column("title", "Title"),
    Column("organisation", "Organisation", ratio=2, min_width=10),
    Column("role", "Role", ratio=2, min_width=10),
    Column("member", "Member"),
    Column("aliases", "Aliases", text=False),
    Column("left", "Left"),
]


def list_people(s: Session, *, include_left: bool = True, members_only: bool = False,
                as_of: str | dt.date | None = None) -> Table:
    """The registry of people, as a table: who they are, their organisation, whether a member.

    ``include_left=False`` leaves out people no longer active on ``as_of`` (default today)."""
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    rows = []
    for p in s.repo.people.values():
        if (members_only and not p.member) or (not include_left and not p.active_on(day)):
            continue
        org = s.repo.organisations.get(p.organisation or "")
        rows.append({"id": p.id, "name": p.name, "title": p.title, "organisation": org.label if org else p.organisation,
                     "role": p.role, "member": p.member, "aliases": list(p.aliases),
                     "left": p.active_to.isoformat() if p.active_to else None})
    return Table(PEOPLE_COLUMNS, rows, title="People", empty="No people on the registry.", rows_key="people")


# --------------------------------------------------------------------------- organisations


def add_organisation(s: Session, name: str, *, short_name: str | None = None, aliases: list[str] | None = None,
                     statutory: bool = False, org_id: str | None = None, dry_run: bool = False) -> RegistryResult:
    """Add an organisation to ``records/organisations.yaml``; the id is made from the short
    name (or the name) unless given. A name already on the registry is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise UserError("give the organisation's name")
    short = " ".join(short_name.split()) if short_name else None
    index = organisation_index(s.repo.organisations)
    for spelling in [name, *([short] if short else []), *(aliases or [])]:
        known = index.find(spelling)
        if known:
            raise ConflictError(f"'{spelling}' is already on the registry as '{sorted(known)[0]}'")
    oid = _new_id(s, org_id, short or name, s.repo.organisations, "an organisation")
    data: dict[str, Any] = {"id": oid, "name": name}
    if short:
        data["short_name"] = short
    if statutory:
        data["statutory"] = True
    clean = [a.strip() for a in aliases or [] if a.strip()]
    if clean:
        data["aliases"] = clean
    _append(s, "organisations", "organisations", data)
    return RegistryResult(id=oid, name=name, kind="organisation", **Written.of(s.commit(dry_run)))


ORGANISATION_COLUMNS = [
    Column("id", "Id"),
    Column("name", "Name", ratio=3, min_width=16),
    Column("short_name", "Short name"),
    Column("statutory", "Statutory"),
    Column("people", "People"),
    Column("aliases", "Aliases", text=False),
]


def list_organisations(s: Session) -> Table:
    """The registry of organisations, with how many people on the registry belong to each."""
    counts: dict[str, int] = {}
    for p in s.repo.people.values():
        if p.organisation:
            counts[p.organisation] = counts.get(p.organisation, 0) + 1
    rows = [{"id": o.id, "name": o.name, "short_name": o.short_name, "statutory": o.statutory,
             "people": counts.get(o.id, 0), "aliases": list(o.aliases)} for o in s.repo.organisations.values()]
    return Table(ORGANISATION_COLUMNS, rows, title="Organisations", empty="No organisations on the registry.",
                 rows_key="organisations")


__all__ = ["Organisation", "RegistryResult", "add_organisation", "add_person", "list_organisations",
           "list_people", "merge_people", "rewrite_people", "update_person"]
