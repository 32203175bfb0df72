"""``cspkit init``: a new partnership repository that validates from the first commit.

Every record file is built from data and laid out canonically (so a partnership called
"#1 Partnership" or "A: B" is written as YAML needs it, quoted), with the schema modeline for
editors; ``.vscode/`` settings and a GitHub Actions workflow come with it (:mod:`.editor`,
:mod:`.ci`), so the CI it is given starts green.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cspkit.errors import ConflictError, UserError
from cspkit.fileio import write_text
from cspkit.init.ci import ci_files
from cspkit.init.editor import editor_files
from cspkit.models import BY_NAME, CONFIG_KIND, Kind
from cspkit.schema import write_schemas
from cspkit.yaml.layout import schema_comment
from cspkit.yaml.write import new_file_text

_STANDING_AGENDA = [
    {"title": "Apologies", "key": "apologies", "leads": ["chair"], "kind": "procedural"},
    {"title": "Minutes", "key": "minutes", "leads": ["chair"], "kind": "procedural",
     "purpose": "To approve the minutes of the previous meeting.", "paper": "previous-minutes"},
    {"title": "Action Log", "key": "action-log", "leads": ["chair"], "kind": "standing",
     "purpose": "To review actions from the previous meeting.", "paper": "action-log"},
    {"title": "Partner Updates", "key": "partner-updates", "kind": "standing",
     "purpose": "Updates from partners on matters affecting the area.", "paper": "partner-updates"},
    {"title": "Any Other Business", "key": "aob", "leads": ["chair"], "kind": "procedural"},
    {"title": "Forward Programme", "key": "forward-programme", "leads": ["chair"], "kind": "standing",
     "purpose": "To consider and manage the forward programme of work.", "paper": "forward-programme"},
]

#: Folders a new repository has (kept in git by an empty .gitkeep).
_FOLDERS = ("records/papers", "records/psa", "records/performance")


def _record(target: Path, rel: str, kind: Kind[Any], data: dict[str, Any], header: str | None = None) -> str:
    text = new_file_text(data, kind.model, schema_comment(target / rel, target, kind.schema_file))
    if header:
        first, _, rest = text.partition("\n")
        text = f"{first}\n{header}\n{rest}"
    return text


def skeleton(target: Path, name: str, short_name: str, first_meeting: dt.date) -> dict[str, str]:
    """File path (relative to ``target``) -> contents of a minimal repository."""
    for what, value in (("--name", name), ("--short-name", short_name)):
        if not value.strip() or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
            raise UserError(f"{what} must be a name on one line, without control characters")
    config = {
        "partnership": {"name": name, "short_name": short_name, "body": "csp"},
        "defaults": {"venue": "Committee Room 1", "start": "10:00", "end": "12:00", "mode": "in-person"},
        "conventions": {"decision_word": "AGREED", "decision_style": "inline", "minute_numbering": "per-meeting",
                        "page_references": "attached-at"},
        "standing_agenda": _STANDING_AGENDA,
        "plans": [],
        "schedule": [{"date": first_meeting}],
        "partner_updates": [],
    }
    day = first_meeting.isoformat()
    files = {
        "cspkit.yaml": _record(target, "cspkit.yaml", CONFIG_KIND, config,
                               "# The partnership, its defaults and conventions. See the cspkit README for every key."),
        "records/people.yaml": _record(target, "records/people.yaml", BY_NAME["people"], {"people": []},
                                       "# Everyone who attends, leads items or owns actions. "
                                       "Other records use these ids."),
        "records/organisations.yaml": _record(target, "records/organisations.yaml", BY_NAME["organisations"],
                                              {"organisations": []}),
        "records/forward-programme.yaml": _record(target, "records/forward-programme.yaml",
                                                  BY_NAME["forward-programme"], {"items": []}),
        f"records/meetings/{day}.yaml": _record(target, f"records/meetings/{day}.yaml", BY_NAME["meeting"],
                                                {"date": first_meeting, "status": "scheduled"}),
        # .*.tmp: what a write killed between its temporary file and the rename leaves behind.
        # contacts.yaml: partners' email addresses are personal data, kept out of git history.
        ".gitignore": ".cspkit-cache/\nbuild/\n.*.tmp\ncontacts.yaml\n",
        "README.md": f"# {name}\n\nRecords of the {name}, kept with cspkit.\n\n"
                     "    cspkit validate\n    cspkit render pack next\n",
    }
    files |= {f"{folder}/.gitkeep": "" for folder in _FOLDERS}
    return files | editor_files() | ci_files()


def init_repo(target: Path, name: str, short_name: str | None = None, first_meeting: dt.date | None = None) -> list[Path]:
    """Create a repository skeleton in ``target``; refuse if any of its files exist."""
    first = first_meeting or (dt.date.today() + dt.timedelta(days=28))
    files = skeleton(target, name, short_name or name, first)
    clashes = [rel for rel in files if (target / rel).exists()]
    if (target / "cspkit.yaml").exists() or clashes:
        raise ConflictError(f"{target}: already holds {', '.join(clashes) or 'cspkit.yaml'}; "
                            "cspkit init never overwrites a repository")
    written = []
    for rel, text in files.items():
        path = target / rel
        write_text(path, text)
        written.append(path)
    written += write_schemas(target / "schemas")
    return written
