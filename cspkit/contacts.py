"""``contacts.yaml``: the email addresses cspkit's email drafts are addressed to.

Addresses are personal data. They live in one file at the repository's root, which
``cspkit init`` tells git to ignore, so they never enter the repository's history; they are
read only by the commands that write email drafts (``update chase --email``, ``circulate
--email``), and go nowhere but into those drafts: no rendering, listing, diff or page shows
them. A report's published "Officer to contact" block is a different thing, filled in on
purpose (``contact:`` in the update).

::

    # Private: partners' email addresses for cspkit's email drafts. Never commit this file.
    people:                          # person id (records/people.yaml) -> address
      robert-kitson: robert.kitson@lfrs.example.org
    organisations:                   # used when the person has no address of their own
      lfrs: community.safety@lfrs.example.org
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, ValidationError

from cspkit.errors import Problem, ProblemCode, RecordError
from cspkit.models import Kind
from cspkit.models.common import OrgId, PersonId, Record
from cspkit.problems import pydantic_problems
from cspkit.repo import Repo, Source
from cspkit.yaml.locate import compose, fill_lines, locate_key
from cspkit.yaml.read import YamlProblem, parse, read_text

#: The file's name, at the repository's root.
CONTACTS_FILE = "contacts.yaml"

_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[A-Za-z]{2,}$")


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError("not an email address: write it as name@example.org, nothing around it")
    return value


Address = Annotated[str, AfterValidator(_address)]


class Contacts(Record):
    """``contacts.yaml``: email addresses by person and by organisation (never in git)."""

    people: dict[PersonId, Address] = {}
    """A person's address, by their id in records/people.yaml."""
    organisations: dict[OrgId, Address] = {}
    """An organisation's shared address (used for a partner whose contact has none), by id."""

    def for_person(self, person: str | None) -> str | None:
        return self.people.get(person) if person else None

    def address(self, person: str | None, organisation: str | None = None) -> str | None:
        """The address for ``person``, else their organisation's."""
        return self.for_person(person) or (self.organisations.get(organisation) if organisation else None)

    @property
    def addresses(self) -> set[str]:
        """Every address in the file (what the leak tests look for in outputs)."""
        return {*self.people.values(), *self.organisations.values()}


CONTACTS_KIND = Kind("contacts", Contacts, CONTACTS_FILE, "the contacts file (email addresses)")


def load_contacts(repo: Repo) -> Contacts:
    """The repository's ``contacts.yaml`` (empty when there is none).

    Every problem is reported as ``contacts.yaml:LINE:COL: field: message`` (exit 1): YAML
    syntax, an address that is not one, an unknown person or organisation.
    """
    path = repo.root / CONTACTS_FILE
    if not path.exists() and not path.is_symlink():
        return Contacts()
    src = Source(path=path, rel=CONTACTS_FILE, kind=CONTACTS_KIND)
    try:
        src.text = read_text(path, inside=repo.root)
        src.data = parse(src.text)
    except YamlProblem as exc:
        raise RecordError([Problem(CONTACTS_FILE, exc.line, exc.col, exc.message,
                                   code=ProblemCode.yaml_syntax)]) from None
    if src.data is None:
        return Contacts()
    problems: list[Problem] = []
    contacts = Contacts()
    try:
        contacts = Contacts.model_validate(src.data)
    except ValidationError as exc:
        problems = pydantic_problems(src, exc)
    if not problems:
        tree = compose(src.text)
        for pid in contacts.people:
            if pid not in repo.people:
                problems.append(Problem(CONTACTS_FILE, *locate_key(tree, ("people", pid)),
                                        message=f"unknown person '{pid}' (not in records/people.yaml)",
                                        loc=("people", pid), code=ProblemCode.unknown_reference))
        for oid in contacts.organisations:
            if oid not in repo.organisations:
                problems.append(Problem(CONTACTS_FILE, *locate_key(tree, ("organisations", oid)),
                                        message=f"unknown organisation '{oid}' (not in records/organisations.yaml)",
                                        loc=("organisations", oid), code=ProblemCode.unknown_reference))
    if problems:
        fill_lines(problems, {CONTACTS_FILE: src.text})  # messages name the key, never the address
        raise RecordError(problems)
    return contacts


def tracked_by_git(root: Path) -> bool:
    """Whether git would keep ``contacts.yaml`` (the repository does not ignore it, or has it committed).

    False when there is no git, or no git repository: then there is no history to keep it out of.
    """
    if not (root / ".git").exists():
        return False
    try:
        ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", CONTACTS_FILE],
                                 capture_output=True, timeout=10)
        committed = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch", CONTACTS_FILE],
                                   capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return committed.returncode == 0 or ignored.returncode == 1
