"""Every kind of output cspkit writes, in one registry: what reaches people, by audience.

Restricted items must never reach a public output, and a leak is most likely in the output
added last. So each kind of output is one entry here, with a function that produces it for a
repository and an audience, and the leak tests (``tests/test_security_leaks.py``) loop over
this registry: a new kind of output is checked the day it is registered.

Adding an output is one entry::

    @output("email-drafts", "A chasing email per partner owing an update", public=False)
    def _email_drafts(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
        from cspkit.workflows.email import write_drafts

        return write_drafts(s, out)

The function gets a read-only :class:`~cspkit.session.Session` on the repository, the
audience (``partners`` or ``public``), a folder to write into and the formats asked for (the
render formats ``pdf``, ``html``, ``md``; an output with formats of its own ignores them). It
writes every file of that kind it can make from the records (for each meeting, each partner,
each year …) and returns their paths.

``audiences`` are the audiences it has a version for; an output made the same for everybody
(the calendar) names only ``partners`` and is published as it is; the public website names only
``public``. ``public=False`` marks an
output the public never receives (an email draft to a partner). Every other output's public
version (or its only version) is checked to hold nothing restricted, and every restricted
record must reach some partners' output.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from cspkit import diff as records_diff
from cspkit import render
from cspkit.calendar import calendar_bytes
from cspkit.cli import reporters
from cspkit.diff.gitrev import GitError
from cspkit.errors import NotFound
from cspkit.fileio import write_bytes, write_text
from cspkit.listing import Table
from cspkit.models.meeting import MeetingStatus
from cspkit.session import Session, open_session
from cspkit.site.build import SiteBuild, write_site
from cspkit.workflows.actions import list_actions
from cspkit.workflows.agenda import list_agenda
from cspkit.workflows.circulate import circulation_output
from cspkit.workflows.minutes_docs import draft_minutes, export_minutes
from cspkit.workflows.programme import list_programme
from cspkit.workflows.psa import list_recommendations
from cspkit.workflows.updates import chase_drafts_output, forms_output

Producer = Callable[[Session, str, Path, Sequence[str]], list[Path]]

#: The render formats a producer is asked for when the caller names none.
ALL_FORMATS = ("pdf", "html", "md")


@dataclass(frozen=True)
class Output:
    """One kind of output: its name, what it is, and how to produce it."""

    name: str
    description: str
    produce: Producer
    #: the audiences it has its own version for (one entry: the same version for everybody)
    audiences: tuple[str, ...] = ("partners", "public")
    #: whether the public ever receives it
    public: bool = True


#: Every output, by name, in the order registered.
OUTPUTS: dict[str, Output] = {}


def output(name: str, description: str, *, audiences: tuple[str, ...] = ("partners", "public"),
           public: bool = True) -> Callable[[Producer], Producer]:
    """Register a kind of output (see the module docstring)."""

    def register(fn: Producer) -> Producer:
        if name in OUTPUTS:
            raise ValueError(f"output '{name}' is registered twice")  # a bug in a module that registers
        OUTPUTS[name] = Output(name, description, fn, audiences, public)
        return fn

    return register


def produce_all(root: Path, audience: str, out: Path, formats: Sequence[str] = ALL_FORMATS,
                names: Sequence[str] | None = None) -> dict[str, list[Path]]:
    """Produce every registered output (or those ``names``) that ``audience`` receives into
    ``out/NAME/``: for the public, each public output's public version (or its only version)."""
    written: dict[str, list[Path]] = {}
    with open_session(root) as s:
        for name, o in OUTPUTS.items():
            if names is not None and name not in names:
                continue
            if (audience == "public" and not o.public) or (audience != "public" and audience not in o.audiences):
                continue  # the public never receives it; or it has no version for partners (the site)
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            written[name] = o.produce(s, audience if audience in o.audiences else o.audiences[0], folder, formats)
    return written


# --------------------------------------------------------------------------- rendered documents


def _render(s: Session, make_doc: Callable, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    wanted = [f for f in formats if f in render.FORMATS]
    if not wanted:
        return []
    try:
        doc = make_doc(s.repo)
    except NotFound:
        return []  # nothing of that kind in these records (no PSA; an update restricted to partners)
    return render.write_outputs(s.repo, doc, wanted, out, audience, force=True)


@output("pack", "The agenda pack of each meeting")
def _packs(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return [p for m in s.repo.meeting_list()
            for p in _render(s, lambda repo, m=m: render.pack_document(repo, m, audience), audience, out, formats)]


@output("minutes", "The minutes of each held meeting")
def _minutes(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return [p for m in s.repo.meeting_list() if m.minutes is not None
            for p in _render(s, lambda repo, m=m: render.minutes_document(repo, m, audience), audience, out, formats)]


@output("action-log", "The action log as of each meeting's date")
def _action_logs(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    days = sorted({m.date for m in s.repo.meeting_list()} | {dt.date.today()})
    return [p for day in days
            for p in _render(s, lambda repo, d=day: render.action_log_document(repo, d, audience), audience, out, formats)]


@output("forward-programme", "The forward programme")
def _programme(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    day = max((m.date for m in s.repo.meeting_list()), default=dt.date.today())
    return _render(s, lambda repo: render.programme_document(repo, day, audience), audience, out, formats)


@output("psa", "The PSA recommendations tracker of each year")
def _psa(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return [p for year in sorted(s.repo.psa)
            for p in _render(s, lambda repo, y=year: render.psa_document(repo, y, audience), audience, out, formats)]


@output("update", "Each partner's update report to each meeting")
def _updates(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    written: list[Path] = []
    for (day, org) in sorted(s.repo.updates):
        meeting = s.repo.meetings.get(day)
        if meeting is not None:
            written += _render(s, lambda repo, m=meeting, o=org: render.update_document(repo, m, o, audience),
                               audience, out, formats)
    return written


@output("calendar", "The meetings as an iCalendar file (published as it is)", audiences=("partners",))
def _calendar(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    path = out / "meetings.ics"
    write_bytes(path, calendar_bytes(s.repo), overwrite=True)
    return [path]


# --------------------------------------------------------------------------- listings and the diff


def _listing(table: Table, out: Path, stem: str) -> list[Path]:
    """A listing as the command line prints it: a text table, JSON and CSV."""
    buffer = io.StringIO()
    reporters.table_text(table, Console(file=buffer, width=200, color_system=None))
    texts = {"txt": buffer.getvalue(), "json": reporters.table_json(table), "csv": reporters.table_csv(table)}
    paths = []
    for suffix, text in texts.items():
        path = out / f"{stem}.{suffix}"
        write_text(path, text, overwrite=True)
        paths.append(path)
    return paths


@output("actions-list", "cspkit actions list (every action, as of today)")
def _actions_list(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return _listing(list_actions(s, audience=audience), out, "actions")


@output("agenda-list", "cspkit agenda list, for each meeting")
def _agenda_list(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return [p for m in s.repo.meeting_list()
            for p in _listing(list_agenda(s, m.date, audience), out, f"agenda-{m.date.isoformat()}")]


@output("programme-list", "cspkit programme list")
def _programme_list(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return _listing(list_programme(s, audience=audience), out, "programme")


@output("psa-list", "cspkit psa list (PSA recommendations are never restricted)", audiences=("partners",))
def _psa_list(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    return [p for year in sorted(s.repo.psa) for p in _listing(list_recommendations(s, year), out, f"psa-{year}")]


# --------------------------------------------------------------------------- to partners only


@output("minutes-documents", "Each meeting's minutes as Word and Markdown documents: the draft to write them "
        "in and the export of what is recorded (the clerk's)", public=False)
def _minutes_documents(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    written: list[Path] = []
    for m in s.repo.meeting_list():
        for fmt in ("docx", "md"):
            if m.status != MeetingStatus.cancelled and m.agenda:
                written.append(draft_minutes(s, m.date, fmt, out / f"{m.date}-minutes-draft.{fmt}", True).path)
            if m.minutes is not None and m.minutes.external is None:
                written.append(export_minutes(s, m.date, fmt, out / f"{m.date}-minutes.{fmt}", True).path)
    return written


output("update-forms", "Partner update forms in Word, blank and filled in from each update", public=False)(
    forms_output)
output("chase-drafts", "The email drafts chasing partners' updates, for every meeting", public=False)(
    chase_drafts_output)
output("circulation", "The email draft circulating each meeting's pack, with the pack", public=False)(
    circulation_output)


@output("site", "The public website (site build): pages, feeds, JSON, search chunks, PDFs", audiences=("public",))
def _site(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    folder = out / "site"
    as_of = max((m.date for m in s.repo.meeting_list()), default=dt.date.today())
    write_site(SiteBuild(s.repo, as_of, "pdf" in formats), folder, force=True)
    return sorted(p for p in folder.rglob("*") if p.is_file())


@output("diff", "cspkit diff from where the branch left main to the working tree, in every format")
def _diff(s: Session, audience: str, out: Path, formats: Sequence[str]) -> list[Path]:
    try:
        report = records_diff.diff(s.root, audience=audience)
    except GitError:
        return []  # not in git, or no main branch: there is no diff to publish
    paths = []
    for fmt, make in records_diff.FORMATS.items():
        path = out / f"diff.{'txt' if fmt == 'text' else fmt}"
        write_text(path, make(report), overwrite=True)
        paths.append(path)
    return paths
