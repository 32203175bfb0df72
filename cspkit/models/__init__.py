"""Pydantic models, one module per record kind; :data:`KINDS` says where each kind lives."""

from __future__ import annotations

from dataclasses import dataclass

from cspkit.models.action import Action, ActionFile, ActionStatus, HistoryEntry
from cspkit.models.config import Config
from cspkit.models.meeting import AgendaItem, Decision, Meeting, MeetingStatus, MinuteItem, Minutes
from cspkit.models.partner_update import PartnerUpdate
from cspkit.models.performance import PerformanceYear
from cspkit.models.programme import ForwardProgramme, ProgrammeItem
from cspkit.models.psa import PSA
from cspkit.models.registry import Organisation, Organisations, People, Person


@dataclass(frozen=True)
class Kind:
    """A record kind: its name, model, and where its files are (relative to records/)."""

    name: str
    model: type
    pattern: str
    title: str


KINDS: tuple[Kind, ...] = (
    Kind("people", People, "people.yaml", "People registry"),
    Kind("organisations", Organisations, "organisations.yaml", "Organisations registry"),
    Kind("meeting", Meeting, "meetings/*.yaml", "Meeting"),
    Kind("actions", ActionFile, "actions/*.yaml", "Actions raised at a meeting"),
    Kind("partner-update", PartnerUpdate, "updates/*/*.yaml", "Partner update report"),
    Kind("psa", PSA, "psa/*.yaml", "PSA recommendations"),
    Kind("forward-programme", ForwardProgramme, "forward-programme.yaml", "Forward programme"),
    Kind("performance", PerformanceYear, "performance/*.yaml", "Performance indicators"),
)
CONFIG_KIND = Kind("config", Config, "cspkit.yaml", "Partnership configuration")

__all__ = [
    "KINDS", "CONFIG_KIND", "Kind", "Action", "ActionFile", "ActionStatus", "AgendaItem", "Config",
    "Decision", "ForwardProgramme", "HistoryEntry", "Meeting", "MeetingStatus", "MinuteItem",
    "Minutes", "Organisation", "Organisations", "PSA", "PartnerUpdate", "People",
    "PerformanceYear", "Person", "ProgrammeItem",
]
