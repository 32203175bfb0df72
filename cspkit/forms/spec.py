"""What is on one partner's update form: its details rows, its sections and its plan rows.

The form definition (``update_form`` in ``cspkit.yaml``) says which sections the form has, in
which order, with which labels and guidance; the plan in force says which themes or
priorities get a row of their own. :func:`form_spec` puts the two together; the writer lays
the result out and the reader recognises it again, so neither knows any section by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cspkit.models.config import Config, FormLayout, FormSection, Plan, UpdateForm

#: The rows every form starts with: (key, label, other labels partners write for it).
DETAILS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("organisation", "Organisation", ("Organization", "Partner", "Agency", "Organisation name")),
    ("meeting", "Meeting", ("Meeting date", "For the meeting", "Meeting of")),
    ("return_by", "Please return by", ("Return by", "Deadline", "Due by", "Return date")),
    ("author", "Author", ("Authors", "Author(s)", "Report author", "Written by", "Report by", "Author name")),
    ("date", "Date of report", ("Date", "Report date", "Date written")),
    ("subject", "Subject title", ("Subject", "Title", "Report title")),
    ("plan", "Plan", ("Strategic plan", "Partnership plan", "CSP plan")),
    ("publication", "Publication", ()),
)
DETAIL_GUIDANCE = {
    "author": "Your name (and anyone who wrote it with you).",
    "date": "The date of your report, e.g. 8 January 2024.",
    "subject": "A title for your report.",
}
#: The text of a tick box line, beside each section and for the whole update.
NOT_FOR_PUBLICATION = "Not for publication"
WHOLE_UPDATE = "Not for publication: none of this update may be published"
#: Marks an answer pre-filled from the partner's previous update.
LAST_QUARTER = "Last quarter's answer (to the meeting on {date}): keep it if it still holds, or write over it."

INSTRUCTIONS = {
    FormLayout.table: "Please type your answers in the right-hand column, over the grey guidance text, and leave "
                      "a section empty if you have nothing for it. Tick \u201cNot for publication\u201d under a "
                      "section\u2019s name if it must not appear in the published papers.",
    FormLayout.headings: "Please type your answers under each heading, over the grey guidance text, and leave a "
                         "section empty if you have nothing for it. Tick \u201cNot for publication\u201d under a "
                         "heading if that section must not appear in the published papers.",
}


@dataclass(frozen=True)
class Answer:
    """One answer on the form: a section, or a theme or priority of the plan."""

    #: The section's key (``summary``, ``local-issues``), or ``theme-1`` / ``priority-2``.
    key: str
    section: FormSection
    label: str
    guidance: str | None
    theme: int | None = None
    priority: int | None = None
    #: For a plan row: the heading printed above it ("Theme 1 – Making Communities Safer").
    heading: str | None = None
    #: For a theme: the priorities under it, as printed under the heading.
    under: tuple[str, ...] = ()

    @property
    def in_plan(self) -> bool:
        return self.theme is not None or self.priority is not None


@dataclass
class FormSpec:
    """The form for one partnership and plan: details, then answers in order."""

    form: UpdateForm
    plan: Plan | None
    partnership: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def layout(self) -> FormLayout:
        return self.form.layout

    @property
    def instructions(self) -> str:
        return INSTRUCTIONS[self.form.layout]

    def title(self, organisation: str) -> str:
        return self.form.title.replace("{organisation}", organisation)

    def answer(self, key: str) -> Answer | None:
        return next((a for a in self.answers if a.key == key), None)

    @property
    def themed(self) -> bool:
        return bool(self.plan and self.plan.themes)

    @property
    def priorities_section(self) -> FormSection | None:
        return self.form.section("priorities")


def _what(text: str | None, what: str) -> str | None:
    return text.replace("{what}", what) if text else text


def plan_answers(section: FormSection, plan: Plan) -> list[Answer]:
    """One answer per theme of ``plan`` (when it groups its priorities) or per priority."""
    out: list[Answer] = []
    if plan.themes:
        for theme in plan.themes:
            under = tuple(f"Priority {p.number} \u2013 {p.title}" for p in plan.priorities if p.theme == theme.number)
            out.append(Answer(f"theme-{theme.number}", section, f"{section.label} \u2013 Theme {theme.number}",
                              _what(section.guidance, f"Theme {theme.number}"), theme=theme.number,
                              heading=f"Theme {theme.number} \u2013 {theme.title}", under=under))
    else:
        for p in plan.priorities:
            out.append(Answer(f"priority-{p.number}", section, f"{section.label} \u2013 Priority {p.number}",
                              _what(section.guidance, f"Priority {p.number}"), priority=p.number,
                              heading=f"Priority {p.number} \u2013 {p.title}"))
    return out


def form_spec(config: Config, plan: Plan | None) -> FormSpec:
    """The form of ``config``'s ``update_form``, its priorities rows from ``plan``."""
    form = config.update_form
    spec = FormSpec(form, plan, config.partnership.name)
    for section in form.sections:
        if section.key == "priorities":
            if plan is not None:
                spec.answers.extend(plan_answers(section, plan))
            continue
        spec.answers.append(Answer(section.key, section, section.label, section.guidance))
    return spec


def plan_by_text(config: Config, text: str) -> Plan | None:
    """The plan a form's "Plan" row names, by its title or id."""
    wanted = _fold(text)
    for plan in config.plans:
        if wanted in (_fold(plan.title), _fold(plan.id)):
            return plan
    return None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class FormFill:
    """What goes into the form besides its labels: pre-filled details, answers, ticks."""

    organisation: str
    meeting: str
    return_by: str | None = None
    author: str | None = None
    date: str | None = None
    subject: str | None = None
    #: The plan's title, printed in its row (when the form has priority rows).
    plan: str | None = None
    #: Answers already given (Markdown), by answer key: a form filled in from a record.
    values: dict[str, str | None] = field(default_factory=dict)
    #: Answer keys ticked "not for publication"; "publication" for the whole update.
    ticked: set[str] = field(default_factory=set)
    #: Last quarter's answers, by answer key: (the meeting it was for, as written; the Markdown).
    prefill: dict[str, tuple[str, str]] = field(default_factory=dict)
