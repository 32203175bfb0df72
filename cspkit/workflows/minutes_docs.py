"""Minutes written as documents: a draft to write them in, the import, the export.

Clerks write minutes in Word (or Markdown). ``draft_minutes`` gives them a document laid
out as the body's minutes look; ``import_minutes`` reads the finished document back into the
meeting's minutes (through the session: checked, all or nothing); ``export_minutes`` writes
minutes already recorded in the same layout, so they can be corrected and imported again.
The document side is :mod:`cspkit.documents`; what the blocks mean is
:mod:`cspkit.minutes.from_blocks` and :mod:`cspkit.minutes.to_blocks`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit.documents import read_document
from cspkit.documents.labels import normalise
from cspkit.errors import ConflictError, NotFound, Problem, ProblemCode, RecordError, UsageError, UserError
from cspkit.fileio import write_bytes
from cspkit.minutes.from_blocks import MinutesReader, _plain
from cspkit.minutes.names import PeopleMatcher
from cspkit.minutes.to_blocks import draft_blocks, minutes_blocks, to_docx, to_markdown
from cspkit.models.action import Action
from cspkit.models.meeting import Attendance, Decision, Meeting, MeetingStatus, MinuteItem, Minutes, MinutesState
from cspkit.render.minutes_style import MinutesStyle
from cspkit.session import Session
from cspkit.workflows._common import Written
from cspkit.yaml.write import put, to_plain

FORMATS = ("docx", "md")
SUFFIX = {"docx": ".docx", "md": ".md"}


# --------------------------------------------------------------------------- helpers


def _format(fmt: str) -> str:
    fmt = fmt.strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (use docx or md)")
    return fmt


def next_minute_number(s: Session, day: dt.date) -> int | None:
    """Where a body numbers minutes continuously: the number the first minute of ``day`` takes."""
    if s.repo.config is None or not MinutesStyle(s.repo.config.conventions).continuous:
        return None
    earlier = [m for m in s.repo.meeting_list() if m.date < day and m.minutes is not None]
    numbers = [mi.number for m in earlier for mi in m.minutes.items if mi.number is not None]  # type: ignore[union-attr]
    return max(numbers, default=0) + 1


def _owner_guesser(s: Session, meeting: Meeting) -> Callable[[Decision], list[str]]:
    vice = next((a.person for a in meeting.attendance.present if a.role and a.role.value == "vice-chair"), None)
    matcher = PeopleMatcher(s.repo, chair=meeting.chair, vice_chair=vice)
    return lambda d: matcher.subject(_plain(d.text))


@dataclass
class DocumentWritten:
    """A draft or export: where it went and what it holds."""

    date: dt.date
    path: Path
    format: str
    items: int
    existing: bool = False
    """For a draft: the meeting has minutes already (``export`` writes those)."""


def _write(path: Path, doc: Any, fmt: str, force: bool) -> None:
    data = to_docx(doc) if fmt == "docx" else to_markdown(doc).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot make the folder ({exc.strerror or exc})") from None
    write_bytes(path, data, overwrite=force)


def _output(output: Path | str | None, day: dt.date, stem: str, fmt: str) -> Path:
    if output is None:
        return Path("build") / f"{day.isoformat()}-{stem}{SUFFIX[fmt]}"
    path = Path(output)
    if path.suffix.lower() != SUFFIX[fmt]:
        raise UsageError(f"{path}: a {fmt} document's name ends with {SUFFIX[fmt]}")
    return path


# --------------------------------------------------------------------------- draft and export


def draft_minutes(s: Session, meeting: str | dt.date, fmt: str = "docx", output: Path | str | None = None,
                  force: bool = False) -> DocumentWritten:
    """A document to write a meeting's minutes in: title, attendance, one heading per agenda item
    with its lead and purpose as guidance, laid out as the body's minutes look."""
    fmt = _format(fmt)
    m = s.meeting(meeting)
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: it has no minutes")
    if not m.agenda:
        raise UserError(f"the meeting on {m.date} has no agenda to draft minutes from")
    doc = draft_blocks(s.repo, m, next_minute_number(s, m.date))
    path = _output(output, m.date, "minutes-draft", fmt)
    _write(path, doc, fmt, force)
    existing = m.minutes is not None and any(mi.body for mi in m.minutes.items)
    return DocumentWritten(m.date, path, fmt, len(m.agenda), existing)


def export_minutes(s: Session, meeting: str | dt.date, fmt: str = "docx", output: Path | str | None = None,
                   force: bool = False) -> DocumentWritten:
    """A meeting's recorded minutes as a document in the same layout, to correct and import again."""
    fmt = _format(fmt)
    m = s.meeting(meeting)
    if m.minutes is None:
        raise NotFound(f"the meeting on {m.date} has no minutes yet (cspkit minutes draft {m.date})")
    if m.minutes.external is not None:
        raise UserError(f"the minutes of {m.date} are kept elsewhere ({m.minutes.external}): there is nothing "
                        "here to export")
    doc = minutes_blocks(s.repo, m, _owner_guesser(s, m))
    path = _output(output, m.date, "minutes", fmt)
    _write(path, doc, fmt, force)
    return DocumentWritten(m.date, path, fmt, len(m.minutes.items))


# --------------------------------------------------------------------------- import: results


@dataclass
class DecisionSummary:
    key: str
    """"11.1": the minute's number and the decision's place in it (what ``--owner`` takes)."""
    text: str
    owners: list[str]
    """Names."""
    owners_from: str = ""
    """"named", "subject" (proposed), "option" (--owner), "kept" (from the decision's action), "none"."""
    action: str | None = None


@dataclass
class MinuteSummary:
    label: str
    title: str
    item: str | None
    matched_by: str
    parts: dict[str, int] = field(default_factory=dict)
    """How many paragraphs, points, sub-headings, bullets, decisions."""
    decisions: list[DecisionSummary] = field(default_factory=list)
    outcome: str | None = None
    restricted: bool = False


@dataclass
class ImportResult(Written):
    """What ``import_minutes`` read and wrote."""

    date: dt.date | None = None
    file: str = ""
    sha256: str = ""
    state: str = ""
    minutes: list[MinuteSummary] = field(default_factory=list)
    attendance: str = ""
    """"taken" (the document's), "kept" (recorded by command), or "" (the document has none)."""
    attendance_differences: list[str] = field(default_factory=list)
    lost_decisions: list[str] = field(default_factory=list)
    """Decisions that had an action and are not in the document any more."""
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- import


_OWNER_OPTION = re.compile(r"^\s*([0-9]{1,3}[a-z]?)\.([0-9]{1,2})\s*=\s*(.*)$")


def import_minutes(s: Session, meeting: str | dt.date, path: Path | str, *, owners: Iterable[str] = (),
                   replace_attendance: bool = False, dry_run: bool = False) -> ImportResult:
    """Read a Word or Markdown document into a meeting's minutes.

    Items are matched to the agenda by number, or by title where minutes run on across
    meetings; decisions keep the actions already raised from them (matched by decision) and
    owners are proposed from the wording ("that Inspector X liaise …") or named ("(Action:
    Name)"); ``owners`` ("ITEM.N=NAME", "ITEM.N=none") correct them. Attendance recorded by
    command is kept (differences are listed) unless ``replace_attendance``. Approved minutes
    are refused. The file's name and SHA-256 are recorded on the minutes.
    """
    owners = list(owners)
    for option in owners:
        if not _OWNER_OPTION.match(option):
            raise UsageError(f"--owner '{option}': write ITEM.N=NAME, e.g. 11.1=\"Dave Stokes\" "
                             "(N counts the item's decisions from 1; NAME may be none)")
    m = s.meeting(meeting)
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: it has no minutes")
    if m.minutes is not None and m.minutes.state == MinutesState.approved:
        raise ConflictError(f"the minutes of {m.date} were approved at {m.minutes.approved_at}: "
                            "approved minutes are not replaced")
    if m.minutes is not None and m.minutes.external is not None:
        raise ConflictError(f"the minutes of {m.date} are kept elsewhere ({m.minutes.external}): import them "
                            "only once they are kept here (remove external: from the meeting file first)")
    source = Path(path)
    if not source.exists():
        raise NotFound(f"{source}: file not found")
    doc = read_document(source)
    read = MinutesReader(s.repo, m, next_minute_number(s, m.date)).read(doc)
    problems = [Problem(f.where, message=f.message, code=ProblemCode.minutes) for f in read.errors]
    overrides = _owner_overrides(s, owners, read)
    if problems:
        raise RecordError(problems)

    result = ImportResult(date=m.date, file=source.name, sha256=doc.sha256,
                          state=(m.minutes.state.value if m.minutes else MinutesState.draft.value),
                          notes=[f.format() for f in read.notes])
    merged = _merge(s, m, read, overrides, result)
    meeting_path = s.path("meeting", m.date)
    agenda_spelling = {}
    take_attendance = bool(read.attendance) and (replace_attendance or not _has_attendance(m))

    def mutate(data: Any) -> None:
        agenda_spelling.update({str(a["number"]): a["number"] for a in data.get("agenda") or []
                                if isinstance(a, dict) and "number" in a})
        items = [_ordered_item(mi, agenda_spelling) for mi in merged]
        if data.get("status") != MeetingStatus.held.value:
            put(data, "status", MeetingStatus.held, Meeting)
        if take_attendance:
            att = {g: read.attendance[g] for g in ("present", "officers", "apologies", "absent")
                   if read.attendance.get(g)}
            if not isinstance(data.get("attendance"), dict):
                put(data, "attendance", att, Meeting)
            else:
                for g in ("present", "officers", "apologies", "absent"):
                    if g in att:
                        put(data["attendance"], g, to_plain(att[g]), Attendance)
                    else:
                        data["attendance"].pop(g, None)
        node = data.get("minutes")
        if not isinstance(node, dict):
            put(data, "minutes", {"state": MinutesState.draft}, Meeting)
            node = data["minutes"]
        if read.ended is not None:
            put(node, "ended", read.ended, Minutes)
        put(node, "imported_from", {"file": source.name, "sha256": doc.sha256}, Minutes)
        put(node, "items", to_plain(items), Minutes)

    s.edit(meeting_path, mutate)
    if take_attendance:
        result.attendance = "taken"
    elif read.attendance:
        result.attendance = "kept"
        result.attendance_differences = _attendance_differences(s, m, read.attendance)
    result.minutes = _summaries(s, read, merged)
    result.__dict__.update(Written.of(s.commit(dry_run)))
    return result


def _has_attendance(m: Meeting) -> bool:
    return any(getattr(m.attendance, g) for g in ("present", "officers", "apologies", "absent"))


def _owner_overrides(s: Session, options: Iterable[str], read: Any) -> dict[tuple[str, int], list[str]]:
    """``--owner ITEM.N=NAME`` options as {(minute label, n): person ids}."""
    out: dict[tuple[str, int], list[str]] = {}
    known = {(mr.label or "", k + 1) for mr in read.minutes for k in range(len(mr.decisions))}
    for option in options:
        m = _OWNER_OPTION.match(option)
        if not m:
            raise UsageError(f"--owner '{option}': write ITEM.N=NAME, e.g. 11.1=\"Dave Stokes\" "
                             "(N counts the item's decisions from 1; NAME may be none)")
        key = (m.group(1), int(m.group(2)))
        if key not in known:
            keys = ", ".join(f"{a}.{b}" for a, b in sorted(known, key=lambda k: (_sortable(k[0]), k[1]))) or "none"
            raise NotFound(f"--owner {option}: the document has no decision {key[0]}.{key[1]} (decisions: {keys})")
        value = m.group(3).strip().strip('"')
        if value.lower() in ("none", "-", ""):
            out[key] = []
        else:
            ids = out.get(key, []) if out.get(key) else []
            for pid in s.people(re.split(r"\s*,\s*", value)):
                if pid not in ids:
                    ids.append(pid)
            out[key] = ids
    return out


def _sortable(label: str) -> tuple[int, str]:
    digits = re.match(r"\d+", label)
    return (int(digits.group(0)) if digits else 0, label)


def _norm_text(text: str) -> str:
    return normalise(text)


def _merge(s: Session, m: Meeting, read: Any, overrides: dict[tuple[str, int], list[str]], result: ImportResult) -> list[dict[str, Any]]:
    """The minutes as read, with what the records already know kept: actions raised from
    decisions (matched by decision), the owners of those decisions, the titles as written."""
    from rapidfuzz import fuzz

    old_items = list(m.minutes.items) if m.minutes is not None else []
    used_old: set[int] = set()
    merged: list[dict[str, Any]] = []
    relinked: dict[str, int | None] = {}

    def old_for(data: dict[str, Any]) -> int | None:
        for k, old in enumerate(old_items):
            if k in used_old:
                continue
            if data.get("item") is not None and old.item == data["item"]:
                return k
            if data.get("item") is None and old.item is None and (
                    (data.get("number") is not None and old.number == data.get("number"))
                    or _norm_text(old.title) == _norm_text(data["title"])):
                return k
        return None

    for mr in read.minutes:
        data = dict(mr.data)
        k = old_for(data)
        old = old_items[k] if k is not None else None
        if k is not None:
            used_old.add(k)
        if old is not None and _norm_text(old.title) == _norm_text(data["title"]):
            data["title"] = old.title
        old_decisions = list(old.decisions) if old is not None else []
        taken: set[int] = set()
        for n, dr in enumerate(mr.decisions, 1):
            d = dr.data
            key = (mr.label or "", n)
            if key in overrides:
                d.pop("owners", None)
                if overrides[key]:
                    d["owners"] = overrides[key]
                dr.owners_from = "option" if overrides[key] else "none"
                _reorder(d)
            j = _match_decision(d["text"], old_decisions, taken, fuzz)
            if j is None:
                continue
            taken.add(j)
            was = old_decisions[j]
            if was.action:
                if not d.get("owners") and dr.owners_from not in ("none", "option") and was.owners:
                    d["owners"] = list(was.owners)
                    dr.owners_from = "kept"
                if d.get("due") is None and was.due is not None:
                    d["due"] = was.due
                d["action"] = was.action
                relinked[was.action] = n
                _reorder(d)
        for j, was in enumerate(old_decisions):
            if j not in taken and was.action and old is not None:
                relinked[was.action] = None
                result.lost_decisions.append(
                    f"{_label(old)} “{_clip(was.text)}” is not in the document, but action {was.action} was "
                    "raised from it: the action is kept (close it with cspkit actions close if it is not wanted)")
        merged.append(data)
    for k, old in enumerate(old_items):
        if k in used_old:
            continue
        if old.body:  # an empty minute from `minutes start` goes without a word
            result.notes.append(f"{_label(old)} ({old.title}) is not in the document: it is removed")
        for was in old.decisions:
            if was.action:
                relinked[was.action] = None
                result.lost_decisions.append(
                    f"{_label(old)} “{_clip(was.text)}” is not in the document, but action {was.action} was "
                    "raised from it: the action is kept (close it with cspkit actions close if it is not wanted)")
    _relink_actions(s, relinked)
    return merged


def _reorder(d: dict[str, Any]) -> None:
    """A decision's keys in the order the model declares them (as a file written by hand has them)."""
    order = list(Decision.model_fields)
    ordered = {k: d[k] for k in sorted(d, key=lambda k: order.index(k) if k in order else len(order))}
    d.clear()
    d.update(ordered)


def _match_decision(text: str, old: list[Decision], taken: set[int], fuzz: Any) -> int | None:
    key = _norm_text(text)
    for j, d in enumerate(old):
        if j not in taken and _norm_text(d.text) == key:
            return j
    best, score = None, 0.0
    for j, d in enumerate(old):
        if j in taken:
            continue
        sc = fuzz.ratio(key, _norm_text(d.text))
        if sc > score:
            best, score = j, sc
    return best if score >= 80 else None


def _relink_actions(s: Session, links: dict[str, int | None]) -> None:
    """Each action's ``decision`` says where its decision now is (or goes, if the decision is gone)."""
    by_file: dict[dt.date, list[tuple[int, int | None]]] = {}
    for aid, n in links.items():
        action: Action | None = s.repo.actions.get(aid)
        if action is None or action.decision == n:
            continue
        af = s.repo.action_files.get(action.meeting)
        if af is None:
            continue
        index = next(i for i, a in enumerate(af.actions) if a.id == aid)
        by_file.setdefault(action.meeting, []).append((index, n))
    for day, changes in by_file.items():
        def mutate(data: Any, changes: list[tuple[int, int | None]] = changes) -> None:
            for index, n in changes:
                node = data["actions"][index]
                if n is None:
                    node.pop("decision", None)
                else:
                    put(node, "decision", n, Action)

        s.edit(s.path("actions", day), mutate)


def _ordered_item(data: dict[str, Any], spelling: dict[str, Any]) -> dict[str, Any]:
    order = list(MinuteItem.model_fields)
    out = {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
    if "item" in out:
        out["item"] = spelling.get(str(out["item"]), out["item"])
    return out


def _attendance_differences(s: Session, m: Meeting, found: dict[str, list[dict[str, Any]]]) -> list[str]:
    """How the document's attendance differs from the one recorded (kept unless --replace-attendance)."""
    recorded = {a.person: (g, a) for g in ("present", "officers", "apologies", "absent")
                for a in getattr(m.attendance, g)}
    in_doc = {a["person"]: (g, a) for g, rows in found.items() for a in rows}
    out = []
    for pid, (g, a) in in_doc.items():
        name = s.person_name(pid)
        if pid not in recorded:
            out.append(f"the document lists {name} under {g}; the record does not have them")
        elif recorded[pid][0] != g:
            out.append(f"the document lists {name} under {g}; the record has them under {recorded[pid][0]}")
        else:
            was = recorded[pid][1]
            if (was.role.value if was.role else None) != a.get("role"):
                out.append(f"{name}: the document says {a.get('role') or 'no role'}, the record "
                           f"{was.role.value if was.role else 'no role'}")
    for pid, (g, _) in recorded.items():
        if pid not in in_doc:
            out.append(f"the record has {s.person_name(pid)} under {g}; the document does not list them")
    return out


def _label(mi: MinuteItem) -> str:
    number = mi.number if mi.number is not None else mi.item
    return f"minute {number}" if number is not None else f"the minute “{mi.title}”"


def _clip(text: str, width: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[:width - 1].rstrip() + "…"


def _summaries(s: Session, read: Any, merged: list[dict[str, Any]]) -> list[MinuteSummary]:
    out = []
    for mr, data in zip(read.minutes, merged, strict=True):
        counts: dict[str, int] = {}
        for part in data.get("body", []):
            for kind, unit in (("text", "paragraphs"), ("heading", "sub-headings"), ("points", "points"),
                               ("bullets", "bullets"), ("decisions", "decisions"), ("upcoming", "upcoming meetings")):
                if kind in part:
                    counts[unit] = counts.get(unit, 0) + (1 if kind in ("text", "heading") else len(part[kind]))
        decisions = []
        for n, dr in enumerate(mr.decisions, 1):
            d = dr.data
            decisions.append(DecisionSummary(f"{mr.label}.{n}" if mr.label else f"?.{n}", d["text"],
                                             [s.person_name(p) for p in d.get("owners", [])], dr.owners_from,
                                             d.get("action")))
        out.append(MinuteSummary(mr.label, data["title"], data.get("item"), mr.matched_by, counts, decisions,
                                 data.get("outcome"), bool(data.get("restricted"))))
    return out


__all__ = [
    "DecisionSummary",
    "DocumentWritten",
    "ImportResult",
    "MinuteSummary",
    "draft_minutes",
    "export_minutes",
    "import_minutes",
    "next_minute_number",
]
