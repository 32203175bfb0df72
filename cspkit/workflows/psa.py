"""The PSA recommendations tracker: list, record progress, remove by decision."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspkit.errors import ConflictError, Loc, LocatedError, NotFound, UserError
from cspkit.fileio import ANYWHERE, FileRefused, read_file
from cspkit.listing import Column, Table
from cspkit.models.meeting import MeetingStatus
from cspkit.models.psa import PSA, Recommendation, RecommendationStatus
from cspkit.session import Session
from cspkit.workflows._common import Written, item_number, parse_date, put, set_keys, to_plain
from cspkit.yaml.locate import compose, locate, locate_key
from cspkit.yaml.read import MAX_FILE_BYTES, YamlProblem, decode, parse


def _year(ctx: Session, year: int | str | None, create_hint: bool = False) -> PSA:
    if not ctx.repo.psa and year is None:
        raise NotFound("no PSA recommendations on file (records/psa/<year>.yaml; cspkit psa new YEAR starts one)")
    if year is None:
        return ctx.repo.psa[max(ctx.repo.psa)]
    try:
        y = int(str(year).strip())
    except ValueError:
        raise UserError(f"'{year}' is not a year (e.g. 2023)") from None
    if y not in ctx.repo.psa:
        if ctx.path("psa", y).exists():
            raise ctx.invalid(ctx.path("psa", y))
        years = ", ".join(str(k) for k in sorted(ctx.repo.psa)) or "none"
        start = f"; cspkit psa new {y} starts it" if create_hint else ""
        raise NotFound(f"no PSA for {y} (years on file: {years}{start})")
    return ctx.repo.psa[y]


def _recommendation(psa: PSA, number: int | str) -> tuple[int, Recommendation]:
    try:
        n = int(str(number).strip())
    except ValueError:
        raise UserError(f"'{number}' is not a recommendation number") from None
    for i, r in enumerate(psa.recommendations):
        if r.number == n:
            return i, r
    numbers = ", ".join(str(r.number) for r in psa.recommendations)
    raise NotFound(f"the {psa.year} PSA has no recommendation {n} (it has {numbers})")


@dataclass
class PsaResult(Written):
    year: int
    numbers: list[int]
    """The recommendations changed (or added)."""
    status: str | None
    title: str | None = None

    @property
    def number(self) -> int:
        return self.numbers[0]


PSA_COLUMNS = [
    Column("number", "No."),
    Column("text", "Recommendation", ratio=3, min_width=20),
    Column("owners", "Owners", ratio=1, min_width=10, shown=lambda r: "/".join(r["owners"])),
    Column("status", "Status"),
    Column("latest", "Latest update", ratio=2, min_width=12),
]


def list_recommendations(ctx: Session, year: int | str | None = None) -> Table:
    """The recommendations of a PSA year (default: the latest on file)."""
    psa = _year(ctx, year)
    names = ctx.names()
    rows = [{"number": r.number, "text": r.text, "owners": [names.get(o, o) for o in r.owners],
             "status": r.status.value if r.status else None,
             "latest": f"{r.updates[-1].date}: {r.updates[-1].text}" if r.updates else None}
            for r in psa.recommendations]
    return Table(PSA_COLUMNS, rows, title=psa.title, empty=f"The {psa.year} PSA has no recommendations.",
                 meta={"year": psa.year, "title": psa.title}, rows_key="recommendations")


def _status(value: str | RecommendationStatus) -> RecommendationStatus:
    try:
        return RecommendationStatus(str(value).strip().lower())
    except ValueError:
        words = ", ".join(s.value for s in RecommendationStatus if s != RecommendationStatus.removed)
        raise UserError(f"unknown recommendation status '{value}' (use one of: {words})") from None


def update_recommendation(ctx: Session, number: int | str = 0, note: str = "", *,
                          status: str | RecommendationStatus | None = None, year: int | str | None = None,
                          date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Append a dated update to a recommendation (and set its status, if given)."""
    return update_recommendations(ctx, str(number), note, status=status, year=year, date=date, meeting=meeting,
                                  dry_run=dry_run)


def _which(psa: PSA, which: str) -> list[tuple[int, Recommendation]]:
    """``all`` (every recommendation not removed) or numbers ``1,2,5`` / ``3-6``."""
    text = str(which).strip().lower()
    if text == "all":
        chosen = [(i, r) for i, r in enumerate(psa.recommendations) if r.status != RecommendationStatus.removed]
        if not chosen:
            raise UserError(f"the {psa.year} PSA has no recommendations to update")
        return chosen
    numbers: list[int] = []
    for part in [p.strip() for p in text.split(",") if p.strip()] or [text]:
        low, dash, high = part.partition("-")
        try:
            span = range(int(low), int(high) + 1) if dash else [int(part)]
        except ValueError:
            raise UserError(f"'{which}' is not a recommendation number (give N, a list such as 1,2,5, a range "
                            "such as 3-6, or all)") from None
        numbers += [n for n in span if n not in numbers]
    chosen = [_recommendation(psa, n) for n in numbers]
    for _, rec in chosen:
        if rec.status == RecommendationStatus.removed:
            raise UserError(f"recommendation {rec.number} of the {psa.year} PSA was removed at {rec.removed.meeting}"
                            if rec.removed else f"recommendation {rec.number} was removed")
    return chosen


def update_recommendations(ctx: Session, which: str = "all", note: str = "", *,
                           status: str | RecommendationStatus | None = None, year: int | str | None = None,
                           date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                           dry_run: bool = False) -> PsaResult:
    """Append the same dated update to several recommendations at once (``which``: ``all``, or
    numbers such as ``1,2,5`` or ``3-6``), setting their status if given. ``all`` leaves out
    recommendations that were removed."""
    psa = _year(ctx, year)
    chosen = _which(psa, which)
    if not note or not note.strip():
        raise UserError("give the update's text (--note)")
    new_status = _status(status) if status is not None else None
    if new_status == RecommendationStatus.removed:
        raise UserError(f"use cspkit psa remove {chosen[0][1].number} --by MEETING to remove a recommendation")
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    entry: dict[str, Any] = {"date": day, "text": note.strip()}
    if meeting is not None:
        entry["meeting"] = ctx.meeting(meeting).date

    path = _path(ctx, psa)
    for index, _ in chosen:
        def node(doc: Any, index: int = index) -> Any:
            return doc["recommendations"][index]

        if new_status is not None:
            set_keys(ctx, path, node, {"status": new_status}, Recommendation)

        def mutate(doc: Any, node: Any = node) -> None:
            updates = node(doc).get("updates")
            if not updates:
                put(node(doc), "updates", [dict(entry)], Recommendation)
            else:
                updates.append(to_plain(entry))

        ctx.edit(path, mutate)
    done = Written.of(ctx.commit(dry_run))
    final = new_status or (chosen[0][1].status if len(chosen) == 1 else None)
    return PsaResult(psa.year, [r.number for _, r in chosen], final.value if final else None, **done)


def add_recommendation(ctx: Session, year: int | str, text: str, *, owners: list[str] | None = None,
                       status: str | RecommendationStatus | None = None, number: int | None = None,
                       dry_run: bool = False) -> PsaResult:
    """Add a recommendation to a year's PSA, numbered after the last unless ``number`` is given."""
    psa = _year(ctx, year, create_hint=True)
    text = " ".join((text or "").split())
    if not text:
        raise UserError("give the recommendation's text")
    taken = {r.number for r in psa.recommendations}
    n = number if number is not None else max(taken, default=0) + 1
    if n in taken:
        raise ConflictError(f"the {psa.year} PSA already has a recommendation {n}")
    if n < 1:
        raise UserError(f"recommendation numbers start at 1, not {n}")
    new_status = _status(status) if status is not None else None
    if new_status == RecommendationStatus.removed:
        raise UserError("a new recommendation cannot be removed already")
    data = _recommendation_data(n, text, ctx.people(list(owners or [])), new_status)

    def mutate(doc: Any) -> None:
        recs = doc.get("recommendations")
        if not recs:
            put(doc, "recommendations", [data], PSA)
        else:
            at = next((i for i, r in enumerate(recs) if isinstance(r, dict) and isinstance(r.get("number"), int)
                       and r["number"] > n), len(recs))
            recs.insert(at, to_plain(data))

    ctx.edit(_path(ctx, psa), mutate)
    done = Written.of(ctx.commit(dry_run))
    return PsaResult(psa.year, [n], new_status.value if new_status else None, title=psa.title, **done)


def _recommendation_data(number: int, text: str, owners: list[str],
                         status: RecommendationStatus | None) -> dict[str, Any]:
    """A recommendation as data, keys in the order :class:`Recommendation` declares them."""
    data: dict[str, Any] = {"number": number, "text": text}
    if owners:
        data["owners"] = owners
    if status is not None:
        data["status"] = status
    return data


def new_psa(ctx: Session, year: int | str, *, from_file: Path | None = None, title: str | None = None,
            assessment: str | None = None, force: bool = False, dry_run: bool = False) -> PsaResult:
    """Start ``records/psa/<YEAR>.yaml`` for a new year's Partnership Strategic Assessment.

    ``from_file``: the recommendations as the assessment lists them, in Markdown (a numbered
    list; a ``#`` heading is the title) or YAML (a list of texts, or of ``{text, owners}``, or a
    PSA record). Without it the PSA starts empty, for ``cspkit psa add``. An existing year is
    not replaced unless ``force``.
    """
    y = _year_number(year)
    path = ctx.path("psa", y)
    if (path.exists() or y in ctx.repo.psa) and not force:
        raise ConflictError(f"{ctx.rel(path)} already exists (cspkit psa add {y} TEXT adds to it; --force replaces it)")
    recs: list[dict[str, Any]] = []
    found_title = found_assessment = None
    if from_file is not None:
        found_title, found_assessment, recs = _recommendations_from(ctx, Path(from_file))
    data: dict[str, Any] = {"year": y, "title": " ".join((title or found_title or f"{y} PSA Recommendations").split())}
    about = assessment or found_assessment
    if about:
        data["assessment"] = " ".join(about.split())
    data["recommendations"] = recs
    ctx.create(path, data, force=force)
    done = Written.of(ctx.commit(dry_run))
    return PsaResult(y, [r["number"] for r in recs], None, title=data["title"], **done)


def _year_number(year: int | str) -> int:
    try:
        y = int(str(year).strip())
    except ValueError:
        raise UserError(f"'{year}' is not a year (e.g. 2023)") from None
    if not 2000 <= y <= 2100:
        raise UserError(f"{y} is not a year a PSA can be for (2000 to 2100)")
    return y


# --------------------------------------------------------------------------- reading a list of recommendations

_NUMBERED = re.compile(r"\s{0,3}(?:(\d{1,3})[.)]|[-*+])\s+(.*)")


def _recommendations_from(ctx: Session, path: Path) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """(title, assessment, recommendations) from a Markdown or YAML file a person wrote."""
    shown = str(path)
    try:
        text = decode(read_file(path, limit=MAX_FILE_BYTES, inside=ANYWHERE))  # named on the command line
    except FileNotFoundError:
        raise NotFound(f"{shown}: file not found") from None
    except FileRefused as exc:
        raise LocatedError(f"{shown}: {exc.reason}") from None
    except YamlProblem as exc:
        raise LocatedError(f"{shown}:{exc.line}:{exc.col}: {exc.message}") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_yaml(ctx, shown, text)
    if suffix in (".md", ".markdown", ".txt"):
        return _from_markdown(shown, text)
    raise UserError(f"{shown}: give the recommendations as Markdown (.md) or YAML (.yaml)")


def _from_markdown(shown: str, text: str) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    title = None
    recs: list[dict[str, Any]] = []
    lines: list[int] = []
    bullets = False
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        heading = re.fullmatch(r"#{1,6}\s+(.*?)\s*#*", stripped)
        if heading and not recs and title is None:
            title = heading.group(1)
            continue
        item = _NUMBERED.fullmatch(line)
        if item and recs and (item.group(1) is None) != bullets:
            item = None  # a bullet inside a numbered list (or a number inside bullets) runs on
        if item:
            bullets = item.group(1) is None
            number = int(item.group(1)) if item.group(1) else (recs[-1]["number"] + 1 if recs else 1)
            recs.append({"number": number, "text": item.group(2).strip()})
            lines.append(n)
        elif recs:
            recs[-1]["text"] += " " + stripped  # the recommendation runs on over several lines
        else:
            raise LocatedError(f"{shown}:{n}: text before the first numbered recommendation (a list "
                               "\"1. The CSP …\", one item each; a # heading is the title)")
    if not recs:
        raise LocatedError(f"{shown}: no recommendations found (write them as a numbered list: \"1. The CSP …\")")
    _no_repeats(shown, recs, lines)
    return title, None, recs


def _from_yaml(ctx: Session, shown: str, text: str) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    try:
        data = parse(text)
    except YamlProblem as exc:
        raise LocatedError(f"{shown}:{exc.line}:{exc.col}: {exc.message}") from None
    root = compose(text)

    def fail(loc: Loc, message: str, key: bool = False) -> LocatedError:
        line, col = (locate_key if key else locate)(root, loc)
        return LocatedError(f"{shown}:{line}:{col}: {message}" if line else f"{shown}: {message}")

    title = assessment = None
    items: Any = data
    base: Loc = ()
    if isinstance(data, dict):
        unknown = [k for k in data if k not in ("year", "title", "assessment", "recommendations")]
        if unknown:
            raise fail((unknown[0],), f"unknown key '{unknown[0]}' (a PSA file has title, assessment and "
                                      "recommendations)", key=True)
        title, assessment = data.get("title"), data.get("assessment")
        items, base = data.get("recommendations"), ("recommendations",)
    if not isinstance(items, list) or not items:
        raise fail(base, "expected a list of recommendations (each a text, or text: and owners:)")
    recs: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        loc = (*base, i)
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise fail(loc, "a recommendation needs its text (text: …)")
        extra = [k for k in item if k not in ("number", "text", "owners", "status")]
        if extra:
            raise fail((*loc, extra[0]), f"unknown key '{extra[0]}' (a recommendation has number, text, owners "
                                         "and status)", key=True)
        number = item.get("number", recs[-1]["number"] + 1 if recs else 1)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise fail((*loc, "number"), f"not a recommendation number: {number!r}")
        owners = item.get("owners") or []
        owners = [owners] if isinstance(owners, str) else owners
        try:
            ids = ctx.people([str(o) for o in owners])
        except UserError as exc:
            raise fail((*loc, "owners"), str(exc)) from None
        status = None
        if item.get("status") is not None:
            try:
                status = _status(str(item["status"]))
            except UserError as exc:
                raise fail((*loc, "status"), str(exc)) from None
        recs.append(_recommendation_data(number, " ".join(item["text"].split()), ids, status))
    _no_repeats(shown, recs, [locate(root, (*base, i))[0] for i in range(len(recs))])
    return (str(title) if title else None), (str(assessment) if assessment else None), recs


def _no_repeats(shown: str, recs: list[dict[str, Any]], lines: list[int]) -> None:
    seen: dict[int, int] = {}
    for rec, line in zip(recs, lines, strict=True):
        if rec["number"] in seen:
            raise LocatedError(f"{shown}:{line}: recommendation {rec['number']} is numbered twice "
                               f"(also on line {seen[rec['number']]})")
        seen[rec["number"]] = line


def remove_recommendation(ctx: Session, number: int | str = 0, *, by: str | dt.date = "",
                          item: str | None = None, reason: str | None = None, year: int | str | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Record that a recommendation was removed by decision of a (held) meeting."""
    psa = _year(ctx, year)
    index, rec = _recommendation(psa, number)
    if rec.status == RecommendationStatus.removed:
        raise UserError(f"recommendation {rec.number} of the {psa.year} PSA was already removed")
    m = ctx.meeting(by)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: a recommendation is removed by the "
                        "decision of a held meeting")
    removal: dict[str, Any] = {"meeting": m.date}
    if item:
        if m.item(str(item)) is None:
            raise NotFound(f"the meeting on {m.date} has no item {item}")
        removal["item"] = item_number(str(item))
    if reason and reason.strip():
        removal["reason"] = reason.strip()

    set_keys(ctx, _path(ctx, psa), lambda doc: doc["recommendations"][index],
             {"status": RecommendationStatus.removed, "removed": removal}, Recommendation)
    done = Written.of(ctx.commit(dry_run))
    return PsaResult(psa.year, [rec.number], "removed", **done)


def _path(ctx: Session, psa: PSA) -> Path:
    src = ctx.repo.source_of(psa)
    return src.path if src is not None else ctx.path("psa", psa.year)
