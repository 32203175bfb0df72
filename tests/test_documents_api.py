"""The package's face: light to import, one error type, locations formatted one way."""

from __future__ import annotations

import json
import subprocess
import sys

from cspkit.documents import DocumentError, Location
from cspkit.errors import UserError


def test_importing_the_package_loads_no_heavy_library():
    probe = ("import json, sys; import cspkit.documents; "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('lxml', 'docx', 'markdown_it', 'zipfile'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_locations_and_errors_are_one_line():
    assert Location(paragraph=12, snippet="AGREED that the…").format("minutes.docx") == (
        'minutes.docx: paragraph 12 ("AGREED that the…")')
    assert Location(line=34).format("minutes.md") == "minutes.md:34"
    assert Location().format("minutes.docx") == "minutes.docx"
    error = DocumentError("minutes.docx", "an item number not on the agenda: 14",
                          Location(paragraph=3, snippet="14 ANY\nOTHER"))
    assert isinstance(error, UserError) and error.exit_code == 1
    assert str(error) == 'minutes.docx: paragraph 3 ("14 ANY\\u000aOTHER"): an item number not on the agenda: 14'
    assert (error.filename, error.location.paragraph, error.reason) == ("minutes.docx", 3,
                                                                        "an item number not on the agenda: 14")
