"""``cspkit init``: a new partnership repository that validates from the first commit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cspkit.errors import ConflictError
from cspkit.fileio import write_text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "partnership"


def skeleton(name: str, short_name: str, first_meeting: dt.date) -> dict[str, str]:
    """File path -> contents of a minimal repository."""
    year = first_meeting.year
    return {
        "cspkit.yaml": f"""\
# yaml-language-server: $schema=schemas/config.schema.json
# The partnership, its defaults and conventions. See the cspkit README for every key.
partnership:
  name: {name}
  short_name: {short_name}
  body: csp
defaults:
  venue: Committee Room 1
  start: '10:00'
  end: '12:00'
  mode: in-person
conventions:
  decision_word: AGREED
  decision_style: inline
  minute_numbering: per-meeting
  page_references: attached-at
standing_agenda:
- title: Apologies
  key: apologies
  leads: [chair]
  kind: procedural
- title: Minutes
  key: minutes
  leads: [chair]
  kind: procedural
  purpose: To approve the minutes of the previous meeting.
  paper: previous-minutes
- title: Action Log
  key: action-log
  leads: [chair]
  kind: standing
  purpose: To review actions from the previous meeting.
  paper: action-log
- title: Partner Updates
  key: partner-updates
  kind: standing
  purpose: Updates from partners on matters affecting the area.
  paper: partner-updates
- title: Any Other Business
  key: aob
  leads: [chair]
  kind: procedural
- title: Forward Programme
  key: forward-programme
  leads: [chair]
  kind: standing
  purpose: To consider and manage the forward programme of work.
  paper: forward-programme
plans: []
schedule:
- date: {first_meeting.isoformat()}
partner_updates: []
""",
        "records/people.yaml": "# yaml-language-server: $schema=../schemas/people.schema.json\n"
        "# Everyone who attends, leads items or owns actions. Other records use these ids.\npeople: []\n",
        "records/organisations.yaml": "# yaml-language-server: $schema=../schemas/organisations.schema.json\n"
        "organisations: []\n",
        "records/forward-programme.yaml": "# yaml-language-server: $schema=../schemas/forward-programme.schema.json\n"
        "items: []\n",
        f"records/meetings/{first_meeting.isoformat()}.yaml": f"""\
# yaml-language-server: $schema=../../schemas/meeting.schema.json
date: {first_meeting.isoformat()}
status: scheduled
""",
        "records/papers/.gitkeep": "",
        # .*.tmp: what a write killed between its temporary file and the rename leaves behind
        ".gitignore": ".cspkit-cache/\nbuild/\n.*.tmp\n",
        "README.md": f"# {name}\n\nRecords of the {name}, kept with [cspkit](https://pypi.org/project/cspkit/).\n\n"
        f"    cspkit validate\n    cspkit render pack next\n",
    } | {"records/psa/.gitkeep": "", "records/performance/.gitkeep": ""} | ({} if year else {})


def init_repo(target: Path, name: str, short_name: str | None = None, first_meeting: dt.date | None = None) -> list[Path]:
    """Create a repository skeleton in ``target``; refuse if any of its files exist."""
    from cspkit.schema import write_schemas

    first = first_meeting or (dt.date.today() + dt.timedelta(days=28))
    files = skeleton(name, short_name or name, first)
    from cspkit.review.scaffold import review_files

    files = review_files(target, files)  # .vscode/, .github/workflows/, records in canonical form
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
