"""Cross-record checks: every reference resolves, ids are unique, dates make sense.

Each check yields :class:`Problem` objects carrying the file and field path of the
offending value; :func:`cspkit.repo.finish` turns paths into line numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cspkit.errors import Problem, format_loc
from cspkit.lookup import organisation_index, people_index
from cspkit.models.action import ActionStatus
from cspkit.models.config import PaperKind
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.programme import Special
from cspkit.models.registry import Person
from cspkit.repo import Repo

#: Words allowed in an agenda item's leads besides person ids.
ROLE_LEADS = {"chair", "vice-chair", "clerk"}


class Checker:
    def __init__(self, repo: Repo):
        self.repo = repo
        self.problems: list[Problem] = []
        self.people = people_index(repo.people)
        self.orgs = organisation_index(repo.organisations)
        # Files that exist but could not be read or validated report their own problems; a
        # reference to something they hold is not also reported as unknown or missing.
        self.broken = {s.path.resolve() for s in repo.sources.values() if s.model is None}
        self.broken_kinds = {s.kind.name for s in repo.sources.values() if s.model is None}

    def broken_file(self, rel: str) -> bool:
        """Whether ``rel`` (relative to the records folder) exists but failed to load."""
        return (self.repo.records_dir / rel).resolve() in self.broken

    # ------------------------------------------------------------------ helpers
    def problem(self, record: object, loc: tuple, message: str, code: str = "reference") -> None:
        file, full = self.repo.where(record, *loc)
        self.problems.append(Problem(file, message=message, loc=full, code=code))

    def at(self, file: str, loc: tuple, message: str, code: str = "reference") -> None:
        self.problems.append(Problem(file, message=message, loc=loc, code=code))

    def person(self, record: object, loc: tuple, pid: str | None, on: dt.date | None = None,
               what: str = "person") -> Person | None:
        if pid is None:
            return None
        p = self.repo.people.get(pid)
        if p is None:
            if "people" in self.broken_kinds:
                return None
            self.problem(record, loc, f"unknown {what} '{pid}'{self.people.hint(pid)}")
            return None
        if on is not None and not p.active_on(on):
            span = f"{p.active_from or '…'} to {p.active_to or '…'}"
            self.problem(record, loc, f"{p.name} ('{pid}') was not active on {on} (active {span})", code="inactive")
        return p

    def org(self, record: object, loc: tuple, oid: str | None) -> None:
        if oid is not None and oid not in self.repo.organisations and "organisations" not in self.broken_kinds:
            self.problem(record, loc, f"unknown organisation '{oid}'{self.orgs.hint(oid)}")

    def meeting_exists(self, record: object, loc: tuple, day: dt.date | None, held: bool = False,
                       scheduled_ok: bool = False) -> Meeting | None:
        if day is None:
            return None
        m = self.repo.meetings.get(day)
        if m is None:
            if self.broken_file(f"meetings/{day}.yaml"):
                return None
            if scheduled_ok and self.repo.config and any(s.date == day for s in self.repo.config.schedule):
                return None
            known = ", ".join(str(d) for d in sorted(self.repo.meetings)[-4:])
            self.problem(record, loc, f"no meeting on {day} (records/meetings/{day}.yaml does not exist; "
                                      f"latest meetings: {known or 'none'})")
            return None
        if held and m.status != MeetingStatus.held:
            self.problem(record, loc, f"the meeting on {day} is {m.status.value}, not held")
        return m

    def duplicates(self, items: list, key, record_loc, what: str) -> None:
        seen: dict = {}
        for i, item in enumerate(items):
            k = key(item)
            file, loc = record_loc(i)
            if k in seen:
                first_file, first_loc = seen[k]
                where = format_loc(first_loc) if first_file == file else f"{first_file} {format_loc(first_loc)}"
                self.at(file, loc, f"duplicate {what} '{k}' (also at {where})", code="duplicate")
            else:
                seen[k] = (file, loc)

    def unique(self, record: object, items: list, key, loc, message) -> None:
        """Within one record: each item whose ``key`` an earlier item has is reported at
        ``loc(i)`` with ``message(key)`` and where the first one is."""
        first: dict = {}
        for i, item in enumerate(items):
            k = key(item)
            if k is None:
                continue
            if k in first:
                self.problem(record, loc(i), f"{message(k)} (also at {format_loc(loc(first[k]))})", "duplicate")
            else:
                first[k] = i

    # ------------------------------------------------------------------ checks
    def run(self) -> list[Problem]:
        if not self.repo.records_dir.is_dir():
            return []  # load_repo has said so; every reference would look unknown
        if self.repo.config is not None:
            self.check_config()
        self.check_registry()
        self.check_shadowed()
        for m in self.repo.meeting_list():
            self.check_meeting(m)
        self.check_actions()
        self.check_updates()
        self.check_psa()
        self.check_programme()
        self.check_performance()
        return self.problems

    def check_config(self) -> None:
        cfg = self.repo.config
        assert cfg is not None
        for i, s in enumerate(cfg.standing_agenda):
            for j, lead in enumerate(s.leads):
                if lead not in ROLE_LEADS:
                    self.person(cfg, ("standing_agenda", i, "leads", j), lead)
        self.unique(cfg, cfg.standing_agenda, lambda s: s.key or None, lambda i: ("standing_agenda", i, "key"),
                    lambda k: f"duplicate standing item key '{k}'")
        self.unique(cfg, cfg.plans, lambda p: p.id, lambda i: ("plans", i, "id"), lambda k: f"duplicate plan id '{k}'")
        for i, plan in enumerate(cfg.plans):
            self.unique(cfg, plan.priorities, lambda pr: pr.number, lambda j, i=i: ("plans", i, "priorities", j, "number"),
                        lambda k, plan=plan: f"duplicate priority number {k} in plan {plan.id}")
            theme_numbers = {t.number for t in plan.themes}
            for j, pr in enumerate(plan.priorities):
                for k, lead in enumerate(pr.leads):
                    self.person(cfg, ("plans", i, "priorities", j, "leads", k), lead)
                if pr.theme is not None and pr.theme not in theme_numbers:
                    self.problem(cfg, ("plans", i, "priorities", j, "theme"),
                                 f"plan {plan.id} has no theme {pr.theme}")
        last: dt.date | None = None
        for i, s in enumerate(cfg.schedule):
            if s.date is not None:
                if last is not None and s.date <= last:
                    self.problem(cfg, ("schedule", i, "date"), f"{s.date} is not after {last}: keep the schedule in order",
                                 "order")
                last = s.date
        for i, e in enumerate(cfg.partner_updates):
            self.org(cfg, ("partner_updates", i, "organisation"), e.organisation)
            self.person(cfg, ("partner_updates", i, "contact"), e.contact)
        self.org(cfg, ("partnership", "clerk_organisation"), cfg.partnership.clerk_organisation)

    def check_registry(self) -> None:
        for name, index_attr, loc_name in (("people", "people", "people"), ("organisations", "organisations",
                                                                          "organisations")):
            for src in self.repo.sources.values():
                if src.kind.name != name or src.model is None:
                    continue
                items = getattr(src.model, loc_name)
                self.duplicates(items, lambda x: x.id, lambda i, s=src: (s.rel, (loc_name, i, "id")),
                                "person id" if name == "people" else "organisation id")
        for pid, p in self.repo.people.items():
            self.org(p, ("organisation",), p.organisation)

    def check_shadowed(self) -> None:
        """A record whose date (or year) another file already holds is not indexed: say so."""
        for src in self.repo.sources.values():
            rec = src.model
            if rec is None:
                continue
            name = src.kind.name
            if name == "meeting":
                key, index, loc, what = rec.date, self.repo.meetings, ("date",), f"the meeting of {rec.date}"
            elif name == "actions":
                key, index, loc = rec.meeting, self.repo.action_files, ("meeting",)
                what = f"the actions of {rec.meeting}"
            elif name == "partner-update":
                key, index, loc = (rec.meeting, rec.organisation), self.repo.updates, ("organisation",)
                what = f"the update of '{rec.organisation}' for {rec.meeting}"
            elif name in ("psa", "performance"):
                index = self.repo.psa if name == "psa" else self.repo.performance
                key, loc, what = rec.year, ("year",), f"year {rec.year}"
            else:
                continue
            first = index.get(key)
            if first is not None and first is not rec:
                other = self.repo.source_of(first)
                self.at(src.rel, loc, f"{other.rel if other else 'another file'} already holds {what}: "
                                      "each belongs in one file", "duplicate")

    def check_meeting(self, m: Meeting) -> None:
        src = self.repo.source_of(m)
        if src is not None and src.path.stem != m.date.isoformat():
            self.problem(m, ("date",), f"the file is named {src.path.name} but the meeting date is {m.date}: "
                                       f"name it {m.date}.yaml", "filename")
        self.person(m, ("chair",), m.chair, m.date, "chair")
        seen: dict[str, str] = {}
        chair_roles = []
        for group in ("present", "officers", "apologies", "absent"):
            for i, a in enumerate(getattr(m.attendance, group)):
                self.person(m, ("attendance", group, i, "person"), a.person, m.date)
                self.org(m, ("attendance", group, i, "organisation"), a.organisation)
                self.person(m, ("attendance", group, i, "substitute_for"), a.substitute_for)
                if a.person in seen:
                    self.problem(m, ("attendance", group, i, "person"),
                                 f"'{a.person}' is listed twice (also in {seen[a.person]})", "duplicate")
                seen[a.person] = group
                if a.role is not None and a.role.value == "chair":
                    chair_roles.append(a.person)
                if group in ("apologies", "absent") and a.role is not None and a.role.value != "minutes":
                    self.problem(m, ("attendance", group, i, "role"),
                                 f"someone giving apologies cannot be {a.role.value}", "attendance")
        if m.chair and chair_roles and m.chair not in chair_roles:
            self.problem(m, ("chair",), f"chair is '{m.chair}' but attendance shows '{chair_roles[0]}' in the chair",
                         "attendance")
        if m.status == MeetingStatus.held and m.attendance.present == [] and m.minutes and m.minutes.items:
            self.problem(m, ("attendance", "present"), "a held meeting with minutes needs the people present",
                         "attendance")
        plan = self.repo.config.plan_for(m.date) if self.repo.config else None
        numbers: dict[str, int] = {}
        for i, item in enumerate(m.agenda):
            if item.number in numbers:
                self.problem(m, ("agenda", i, "number"),
                             f"agenda item number {item.number} is used twice (also at agenda[{numbers[item.number]}])",
                             "duplicate")
            numbers[item.number] = i
            for j, lead in enumerate(item.leads):
                if lead not in ROLE_LEADS:
                    self.person(m, ("agenda", i, "leads", j), lead)
            for j, paper in enumerate(item.papers):
                self.check_paper(m, ("agenda", i, "papers", j), paper)
            for j, sub in enumerate(item.sub_items):
                for k, lead in enumerate(sub.leads):
                    if lead not in ROLE_LEADS:
                        self.person(m, ("agenda", i, "sub_items", j, "leads", k), lead)
                if sub.priority is not None and plan is not None and sub.priority not in {p.number for p in
                                                                                          plan.priorities}:
                    self.problem(m, ("agenda", i, "sub_items", j, "priority"),
                                 f"plan {plan.id} has no priority {sub.priority}")
                for k, paper in enumerate(sub.papers):
                    self.check_paper(m, ("agenda", i, "sub_items", j, "papers", k), paper)
            if item.programme_item and self.repo.programme is not None and item.programme_item not in {
                    p.id for p in self.repo.programme.items}:
                self.problem(m, ("agenda", i, "programme_item"),
                             f"no forward programme item '{item.programme_item}'")
        if m.minutes is not None:
            last_number = 0
            for i, mi in enumerate(m.minutes.items):
                if mi.item is not None and mi.item not in numbers:
                    self.problem(m, ("minutes", "items", i, "item"), f"the agenda has no item {mi.item}")
                if mi.number is not None:
                    if mi.number <= last_number:
                        self.problem(m, ("minutes", "items", i, "number"),
                                     f"minute number {mi.number} does not follow {last_number}", "order")
                    last_number = mi.number
                for j, d in enumerate(mi.decisions):
                    for k, owner in enumerate(d.owners):
                        self.person(m, ("minutes", "items", i, "decisions", j, "owners", k), owner)
                    if d.action and d.action not in self.repo.actions and not self.broken_file(
                            f"actions/{d.action.split('/', 1)[0]}.yaml"):
                        self.problem(m, ("minutes", "items", i, "decisions", j, "action"),
                                     f"no action '{d.action}' in records/actions/")
            if m.minutes.approved_at is not None:
                self.meeting_exists(m, ("minutes", "approved_at"), m.minutes.approved_at)
                if m.minutes.approved_at <= m.date:
                    self.problem(m, ("minutes", "approved_at"),
                                 "minutes are approved at a later meeting", "order")

    def check_paper(self, m: Meeting, loc: tuple, paper) -> None:
        self.person(m, (*loc, "author"), paper.author)
        if paper.organisation is not None:
            self.org(m, (*loc, "organisation"), paper.organisation)
            if paper.organisation in self.repo.organisations and (m.date, paper.organisation) not in self.repo.updates \
                    and not self.broken_file(f"updates/{m.date}/{paper.organisation}.yaml"):
                self.problem(m, (*loc, "organisation"), f"no update from '{paper.organisation}' for {m.date} "
                             f"(records/updates/{m.date}/{paper.organisation}.yaml)", "missing-file")
        if paper.kind == PaperKind.document and paper.source:
            path = self.repo.records_dir / paper.source
            bad = Path(paper.source).is_absolute() or ".." in Path(paper.source).parts
            if bad:
                self.problem(m, (*loc, "source"), "a paper's source must be a path inside the records folder")
            elif not path.is_file():
                self.problem(m, (*loc, "source"), f"paper file not found: {self.repo.config.records_dir if self.repo.config else 'records'}/{paper.source}", "missing-file")

    def check_actions(self) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for day, af in sorted(self.repo.action_files.items()):
            src = self.repo.source_of(af)
            if src is not None and src.path.stem != day.isoformat():
                self.problem(af, ("meeting",), f"the file is named {src.path.name} but holds actions of {day}: "
                                               f"name it {day}.yaml", "filename")
            meeting = self.meeting_exists(af, ("meeting",), day, held=True)
            for i, a in enumerate(af.actions):
                base = ("actions", i)
                file = src.rel if src else "?"
                if a.id in seen and seen[a.id] != (file, i):
                    first_file, first_i = seen[a.id]
                    where = f"actions[{first_i}]" + ("" if first_file == file else f" in {first_file}")
                    self.at(file, (*base, "id"), f"duplicate action id '{a.id}' (also at {where})", "duplicate")
                seen.setdefault(a.id, (file, i))
                if a.meeting != day:
                    self.at(file, (*base, "id"), f"action '{a.id}' is in the file of the {day} meeting: "
                                                 f"its id must start with {day}/", "id")
                if meeting is not None and meeting.agenda and meeting.item(a.item) is None and not (
                        meeting.minutes and any(mi.item == a.item or str(mi.number) == a.item
                                                for mi in meeting.minutes.items)):
                    self.at(file, (*base, "id"), f"the {day} meeting has no item {a.item}")
                for j, owner in enumerate(a.owners):
                    self.person(a, ("owners", j), owner)
                for j, owner in enumerate(a.raised_owners):
                    self.person(a, ("raised_owners", j), owner)
                self.person(a, ("deliverer",), a.deliverer)
                self.meeting_exists(a, ("due_meeting",), a.due_meeting, scheduled_ok=True)
                last_status = None
                last_owners = None
                prev = None
                for j, h in enumerate(a.history):
                    if prev is not None and h.date < prev:
                        self.problem(a, ("history", j, "date"), f"{h.date} is before the entry above ({prev}): "
                                                               "keep history in date order", "order")
                    prev = h.date
                    if h.date < a.meeting:
                        self.problem(a, ("history", j, "date"), f"{h.date} is before the action was raised ({a.meeting})",
                                     "order")
                    for k, p in enumerate(h.reassigned_to):
                        self.person(a, ("history", j, "reassigned_to", k), p)
                    self.meeting_exists(a, ("history", j, "meeting"), h.meeting)
                    if h.status is not None:
                        last_status = h.status
                    if h.reassigned_to:
                        last_owners = h.reassigned_to
                if last_status is not None and last_status != a.status:
                    self.problem(a, ("status",), f"status is {a.status.value} but the latest history entry set "
                                                 f"{last_status.value}", "history")
                if last_owners is not None and sorted(last_owners) != sorted(a.owners):
                    self.problem(a, ("owners",), f"owners are {', '.join(a.owners)} but the latest reassignment was "
                                                 f"to {', '.join(last_owners)}", "history")
                if a.status != ActionStatus.open and a.closed_date() is None:
                    self.problem(a, ("status",), f"a {a.status.value} action needs closed_on or a history entry "
                                                 "that set the status", "history")
                if a.decision is not None and meeting is not None and meeting.minutes is not None:
                    minute = next((mi for mi in meeting.minutes.items if mi.item == a.item), None)
                    if minute is not None and a.decision > len(minute.decisions):
                        self.problem(a, ("decision",), f"the minute of item {a.item} has "
                                                       f"{len(minute.decisions)} decision(s), not {a.decision}")
        numbers: dict[int, str] = {}
        for aid, a in sorted(self.repo.actions.items()):
            if a.number is not None:
                if a.number in numbers:
                    self.problem(a, ("number",), f"action number {a.number} is also used by {numbers[a.number]}",
                                 "duplicate")
                numbers.setdefault(a.number, aid)

    def check_updates(self) -> None:
        cfg = self.repo.config
        for (day, oid), u in sorted(self.repo.updates.items()):
            src = self.repo.source_of(u)
            if src is not None:
                if src.path.parent.name != day.isoformat():
                    self.problem(u, ("meeting",), f"the update is for {day} but sits in updates/{src.path.parent.name}/",
                                 "filename")
                if src.path.stem != oid:
                    self.problem(u, ("organisation",), f"the file is named {src.path.name} but the organisation is "
                                                       f"'{oid}': name it {oid}.yaml", "filename")
            self.meeting_exists(u, ("meeting",), day)
            self.org(u, ("organisation",), oid)
            for i, a in enumerate(u.authors):
                self.person(u, ("authors", i), a)
            plan = (cfg.plan(u.plan) if u.plan else cfg.plan_for(day)) if cfg else None
            if u.plan and cfg and plan is None:
                self.problem(u, ("plan",), f"no plan '{u.plan}' in cspkit.yaml")
            if plan is not None:
                pn = {p.number for p in plan.priorities}
                tn = {t.number for t in plan.themes}
                for i, pu in enumerate(u.priorities):
                    if pu.priority is not None and pu.priority not in pn:
                        self.problem(u, ("priorities", i, "priority"), f"plan {plan.id} has no priority {pu.priority}")
                    if pu.theme is not None and pu.theme not in tn:
                        self.problem(u, ("priorities", i, "theme"), f"plan {plan.id} has no theme {pu.theme}")

    def check_psa(self) -> None:
        for year, psa in sorted(self.repo.psa.items()):
            src = self.repo.source_of(psa)
            if src is not None and src.path.stem != str(year):
                self.problem(psa, ("year",), f"the file is named {src.path.name} but the year is {year}", "filename")
            self.unique(psa, psa.recommendations, lambda r: r.number, lambda i: ("recommendations", i, "number"),
                        lambda k: f"duplicate recommendation number {k}")
            for r in psa.recommendations:
                for j, o in enumerate(r.owners):
                    self.person(r, ("owners", j), o)
                for j, up in enumerate(r.updates):
                    self.meeting_exists(r, ("updates", j, "meeting"), up.meeting)
                if r.removed is not None:
                    self.meeting_exists(r, ("removed", "meeting"), r.removed.meeting, held=True)

    def check_programme(self) -> None:
        prog = self.repo.programme
        if prog is None:
            return
        self.unique(prog, prog.items, lambda it: it.id, lambda i: ("items", i, "id"),
                    lambda k: f"duplicate forward programme id '{k}'")
        for it in prog.items:
            for j, p in enumerate(it.action_by):
                self.person(it, ("action_by", j), p)
            if isinstance(it.when, dt.date) and not isinstance(it.when, Special):
                self.meeting_exists(it, ("when",), it.when, scheduled_ok=True)
            self.meeting_exists(it, ("last_taken",), it.last_taken)

    def check_performance(self) -> None:
        for year, perf in sorted(self.repo.performance.items()):
            src = self.repo.source_of(perf)
            if src is not None and src.path.stem != year:
                self.problem(perf, ("year",), f"the file is named {src.path.name} but the year is {year}", "filename")
            self.unique(perf, perf.indicators, lambda ind: ind.id, lambda i: ("indicators", i, "id"),
                        lambda k: f"duplicate indicator id '{k}'")
            for i, ind in enumerate(perf.indicators):
                self.unique(perf, ind.readings, lambda r: r.quarter,
                            lambda j, i=i: ("indicators", i, "readings", j, "quarter"),
                            lambda k, ind=ind: f"{k} is given twice for {ind.id}")


def check_repo(repo: Repo) -> list[Problem]:
    """All cross-record problems of a loaded repository."""
    return Checker(repo).run()
