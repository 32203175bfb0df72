"""``records/people.yaml`` and ``records/organisations.yaml``: who is who."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from cspkit.models.common import Date, Flag, OrgId, Record, Slug, empty_list


class Organisation(Record):
    id: Slug
    name: str
    """Full name ("Leicestershire Fire and Rescue Service")."""
    short_name: str | None = None
    """Short name used in tables and minutes ("LFRS", "OPCC")."""
    statutory: Flag = False
    """A responsible authority under the Crime and Disorder Act 1998."""
    aliases: list[str] = empty_list()
    """Other ways the name is written in documents."""

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Person(Record):
    id: Slug
    name: str
    """Name as usually written ("David Stokes")."""
    title: str | None = None
    """Rank or honorific used before the name ("Inspector", "Councillor", "Cllr.")."""
    aliases: list[str] = empty_list()
    """Other spellings seen in documents ("Dave Stokes", "Guiseppe Vassallo")."""
    organisation: OrgId | None = None
    role: str | None = None
    """Job title or capacity ("NPA Commander", "Head of Regulatory and Community Safety")."""
    member: Flag = False
    """A member of the partnership expected at every meeting (used for attendance lists)."""
    active_from: Date | None = None
    active_to: Date | None = None
    """Last day as a member or officer of the partnership (people leave; actions move on)."""

    @model_validator(mode="after")
    def _dates(self) -> Person:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValueError(f"active_to ({self.active_to}) is before active_from ({self.active_from})")
        return self

    def active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


class People(Record):
    """``records/people.yaml``."""

    people: list[Person]


class Organisations(Record):
    """``records/organisations.yaml``."""

    organisations: list[Organisation]
