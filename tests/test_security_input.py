"""What records and arguments hold cannot break an output, a terminal or a date (issue 12, cases 6,
7, 11, 12 and 13).

* a form feed or carriage return in the partnership's name closed its CSS string (the PDF pack
  became one blank page);
* HTML and Markdown kept remote images from record text (a public pack as a web beacon);
* an integer was a date, ``--date 20231012`` was accepted, ``.nan`` a performance figure, and
  ``{date:>1500000000}`` a label that allocated 1.5 GB;
* CSV cells starting ``=``, ``+``, ``-``, ``@`` were formulas; ESC sequences in record text
  reached the terminal;
* ``fmt --check`` said "all files are in the canonical layout" beside a file it could not read;
  an argument that is not UTF-8 was blamed on a record's line.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from security_support import run_cspkit, text_of

ACTIONS = "records/actions/2023-07-13.yaml"
HELD = "records/meetings/2023-07-13.yaml"

#: A 1x1 PNG image.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")



def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- case 6: CSS strings


def test_a_form_feed_or_carriage_return_in_the_name_cannot_end_its_css_string(mini, cli, tmp_path):
    _replace(mini / "cspkit.yaml", "  name: Mini Community Safety Partnership",
             '  name: "Mini\\fCommunity\\rSafety\\u2028Partnership\\x1b\\" }"')
    from cspkit.render import pack_document, render_html
    from cspkit.session import open_repo

    repo = open_repo(mini)
    html = render_html(repo, pack_document(repo, repo.meetings[__import__("datetime").date(2023, 10, 12)],
                                           "partners"), "pdf")  # the HTML the PDF is printed from
    header = re.search(r"@top-left \{ content: (\"(?:[^\"\\\n\r\f]|\\.)*\");", html)
    assert header, "the running header's string does not close where it should"
    assert header.group(1) == '"Mini Community Safety Partnership\\" }"'
    out = tmp_path / "out"
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "pdf", "-o", out)
    assert r.code == 0, r.err
    text = text_of(out / "2023-10-12-agenda-pack.pdf").replace("\x00", "")
    assert "Apologies" in text or "APOLOGIES" in text  # not a blank page
    assert "Mini Community Safety Partnership" in text  # the running header, as one line


# --------------------------------------------------------------------------- case 7: images


def test_images_come_only_from_inline_data_or_files_inside_the_repository(mini, cli, tmp_path):
    (mini / "records/papers").mkdir()
    (mini / "records/papers/map.png").write_bytes(PNG)
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    (mini / "records/papers/linked.png").symlink_to(outside)
    points = [
        "Beacon ![beacon-http](http://tracker.example/b.png?who=public)",
        "Relative ![beacon-protocol](//tracker.example/c.png)",
        "Share ![beacon-share](\\\\\\\\tracker.example\\\\d.png)",
        "File ![beacon-file](file:///etc/e.png)",
        "Up ![beacon-up](../../secret.png)",
        "Linked ![beacon-link](records/papers/linked.png)",
        "Reference ![beacon-ref][tracker]",
        "Nested ![beacon [nested] alt](http://tracker.example/f.png)",
        "Map ![the map](records/papers/map.png)",
        "Inline ![the dot](data:image/png;base64,iVBORw0KGgo=)",
    ]
    _replace(mini / HELD, "      - Patrols would continue over the summer.\n",
             "".join(f"      - '{p}'\n" for p in points) + "      - |-\n        See below.\n\n"
             "        [tracker]: http://tracker.example/g.png\n")
    out = tmp_path / "out"
    r = cli("--repo", mini, "render", "minutes", "2023-07-13", "-f", "html,md", "-o", out)
    assert r.code == 0, r.err
    html = (out / "2023-07-13-minutes.html").read_text(encoding="utf-8")
    md = (out / "2023-07-13-minutes.md").read_text(encoding="utf-8")
    sources = re.findall(r"<img [^>]*src=\"([^\"]*)\"", html)
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64encode(PNG).decode() in sources[0]  # the repository's map, inlined
    assert "tracker.example" not in "".join(sources)
    for alt in ("beacon-http", "beacon-protocol", "beacon-share", "beacon-file", "beacon-up", "beacon-link",
                "beacon-ref"):
        assert alt in html and f"![{alt}" not in md and alt in md
    images = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", md)
    assert images == ["records/papers/map.png", "#unsafe-link-removed:image/png;base64,iVBORw0KGgo="]


# --------------------------------------------------------------------------- case 11: dates, numbers, labels


def test_dates_are_yyyy_mm_dd_only(mini, cli):
    _replace(mini / HELD, "date: 2023-07-13", "date: 1689206400")
    _replace(mini / ACTIONS, "  due: 2023-10-12\n", "  due: '20231012'\n")
    _replace(mini / "records/meetings/2023-10-12.yaml", "date: 2023-10-12", "date: 2023-10-12 10:00:00")
    r = cli("--repo", mini, "validate")
    assert r.code == 1
    assert r.out.splitlines() == [
        "records/actions/2023-07-13.yaml:8:8: actions[0].due: not a date: write YYYY-MM-DD (got '20231012')",
        "records/meetings/2023-07-13.yaml:1:7: date: not a date: write YYYY-MM-DD (YAML read this as the number "
        "1689206400)",
        "records/meetings/2023-10-12.yaml:1:7: date: 2023-10-12 10:00:00 is a date and a time: write the date "
        "alone, YYYY-MM-DD",
        "3 problems in 3 files (10 checked)"]


@pytest.mark.parametrize("args, message", [
    (["new-meeting", "--date", "20231012"], "error: meeting date '20231012' is not a date in the form YYYY-MM-DD"),
    (["actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "20230901"],
     "error: --date '20230901' is not a date in the form YYYY-MM-DD"),
    (["render", "pack", "20231012"], "error: meeting '20231012' is not a date (YYYY-MM-DD), 'next' or 'latest'"),
    (["actions", "list", "--as-of", "2023-W41-4"], "error: --as-of '2023-W41-4' is not a date in the form "
                                                    "YYYY-MM-DD"),
])
def test_a_date_argument_is_yyyy_mm_dd_only(mini, cli, args, message):
    r = cli("--repo", mini, *args)
    assert (r.err, r.out) == (message + "\n", "")
    assert r.code in (1, 2)


def test_performance_figures_are_finite_numbers(mini, cli, tmp_path):
    perf = mini / "records/performance/2023-24.yaml"
    _replace(perf, "    value: 410\n    previous: 455\n", "    value: .nan\n    previous: 1e400\n")
    _replace(perf, "    reported_change: -3.2\n", "    reported_change: -.inf\n")
    r = cli("--repo", mini, "validate")
    finite = "a figure must be a finite number: .nan, .inf and numbers too large to hold are refused"
    assert (r.code, r.out.splitlines()) == (1, [
        f"records/performance/2023-24.yaml:13:12: indicators[0].readings[0].value: {finite} (got nan)",
        f"records/performance/2023-24.yaml:14:15: indicators[0].readings[0].previous: {finite} (got inf)",
        f"records/performance/2023-24.yaml:16:22: indicators[0].readings[1].reported_change: {finite} (got -inf)",
        "3 problems in 1 file (10 checked)"])
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "md", "--audience", "public", "-o", tmp_path)
    assert r.code == 1 and not list(tmp_path.glob("*.md"))


def test_a_label_format_cannot_allocate(mini):
    config = mini / "cspkit.yaml"
    _replace(config, "  decision_style: inline\n", "  decision_style: inline\n  action_raised_label: '{date:>1500000000}'\n")
    r = run_cspkit("validate", cwd=mini)
    assert (r.code, r.out) == (1, "cspkit.yaml:15:24: conventions.action_raised_label: {date:>1500000000} is not a "
                                  "format cspkit fills in: use {date}, or a width and fill such as {date:0>2} "
                                  "(widths up to 40)\n1 problem in 1 file (10 checked)\n")
    assert r.max_rss_kib < 200 * 1024


# --------------------------------------------------------------------------- case 12: CSV and terminals


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_text_cells_never_start_a_formula_and_numbers_stay_numbers(mini, cli):
    actions = mini / ACTIONS
    text = actions.read_text(encoding="utf-8").replace(
        "text: Bring a town centre patrol plan to the next meeting.", f"text: {json.dumps(FORMULAS[0])}")
    for i, formula in enumerate(FORMULAS[1:], 2):
        text += f"- id: 2023-07-13/3.{i}\n  text: {json.dumps(formula)}\n  owners: [carol-white]\n  status: open\n"
    actions.write_text(text, encoding="utf-8")
    r = cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    # the CR is shown escaped (the terminal rule), behind the quote that makes it inert
    assert [row["text"] for row in rows] == ["'" + f.replace("\r", "\\x0d") for f in FORMULAS]
    r = cli("--repo", mini, "psa", "list", "--format", "csv")
    assert r.code == 0 and r.out.splitlines()[1].startswith("1,")  # numbers are left as numbers


ESC = "\x1b]0;owned\x07\x1b[31m"


def test_control_characters_in_record_text_never_reach_the_terminal(mini, cli, tmp_path):
    esc = json.dumps(ESC)[1:-1]  # YAML double quotes take JSON's escapes
    _replace(mini / ACTIONS, "text: Bring a town centre patrol plan to the next meeting.",
             f'text: "Bring a plan {esc}red"')
    decision = f'      - text: "the {esc} be noted"\n        owners: [carol-white]\n'
    (mini / HELD).write_text((mini / HELD).read_text(encoding="utf-8") + decision, encoding="utf-8")
    _replace(mini / "cspkit.yaml", "- title: Action Log\n", f'- title: "Action Log {esc}"\n')
    subprocess.run(["git", "init", "-q"], cwd=mini, check=True)
    subprocess.run(["git", "-c", "user.name=C", "-c", "user.email=c@example.org", "commit", "-qam", "x",
                    "--allow-empty"], cwd=mini, check=True, capture_output=True)
    subprocess.run(["git", "add", "-A"], cwd=mini, check=True)
    subprocess.run(["git", "-c", "user.name=C", "-c", "user.email=c@example.org", "commit", "-qm", "records"],
                   cwd=mini, check=True)
    runs = [
        cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12"),
        cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--format", "csv"),
        cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--format", "json"),
        cli("--repo", mini, "actions", "raise", "2023-07-13"),
        cli("--repo", mini, "new-meeting", "--date", "2024-01-18", "--dry-run"),
        cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", f"seen {ESC}", "--date", "2023-09-01"),
        cli("--repo", mini, "actions", "list", "--owner", f"Zed {ESC}"),
        cli("--repo", mini, "diff", "HEAD"),
        cli("--repo", mini, "diff", "HEAD", "--format", "json"),
        cli("--repo", mini, "diff", "HEAD", "--format", "md"),
    ]
    for r in runs:
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.out + r.err), (r.out + r.err)[:300]
    assert "Bring a plan \\x1b]0;owned\\x07\\x1b[31mred" in runs[0].out.replace("\n", "").replace("│", "") or \
        "\\x1b]0;owned" in runs[0].out
    assert json.loads(runs[2].out)[0]["text"] == f"Bring a plan {ESC}red"  # JSON keeps the data, escaped
    assert json.loads(runs[8].out)["changes"]
    assert runs[6].err == "error: unknown person 'Zed \\x1b]0;owned\\x07\\x1b[31m'\n"


# --------------------------------------------------------------------------- case 13


def test_fmt_check_never_says_all_is_well_beside_a_file_it_could_not_read(mini, cli):
    (mini / "records/psa/2023.yaml").write_bytes(b"year: 2023\ntitle: Caf\xe9\nrecommendations: []\n")
    r = cli("--repo", mini, "fmt", "--check")
    assert r.code == 1
    assert "all files are in the canonical layout" not in r.err
    assert r.err.splitlines()[0].endswith("1 file could not be read (10 checked)")
    assert "records/psa/2023.yaml:2:11: not UTF-8 text (byte 0xe9); save the file as UTF-8" in r.err


def test_an_argument_that_is_not_utf8_is_refused_as_itself(mini):
    before = (mini / ACTIONS).read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cspkit", "actions", "update", "2023-07-13/3.1", "--note",
                           b"Caf\xe9 visit", "--date", "2023-09-01"], cwd=mini, capture_output=True,
                          env={"PATH": "/usr/bin:/bin", "CSPKIT_CACHE": "0", "LC_ALL": "C.UTF-8",
                               "PYTHONPATH": ":".join(sys.path)})
    assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (
        1, b"", "error: the argument 'Caf\\xe9 visit' (after --note) is not valid UTF-8 text: check the encoding "
                "of the terminal or script that ran cspkit\n")
    assert (mini / ACTIONS).read_bytes() == before


#: Where the command line writes to a stream other than through ``say`` (or the reporters it
#: calls), and why that is safe: (module, function).
RAW_WRITERS = {
    ("common.py", "say"): "the one way",
    ("__init__.py", "_err"): "escapes control characters itself",
    ("__init__.py", "_main"): "the version, and help kept from an earlier run",
    ("app.py", "_version"): "the version",
    ("review.py", "calendar"): "iCalendar bytes, escaped by the calendar",
    ("docs.py", "main"): "a path, for the developer regenerating docs/cli.md",
    ("helpcache.py", "run_and_keep"): "keeps what the help printed",
    ("reporters.py", "table_text"): "rich's table: every cell, the title and the empty text escaped there",
}


def test_every_line_the_command_line_prints_goes_through_one_escaping_function():
    """A command added tomorrow that prints record text with typer.echo would bypass the terminal
    rule: so no command module writes to a stream but through ``say``."""
    import ast

    folder = Path(__file__).resolve().parent.parent / "cspkit" / "cli"
    found = []
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            for call in [n for n in ast.walk(fn) if isinstance(n, ast.Call)]:
                f = call.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
                target = ast.unparse(f.value) if isinstance(f, ast.Attribute) else ""
                writes = (name == "echo" and target == "typer") or name == "print" or \
                    (name == "write" and ("stdout" in target or "stderr" in target or target == "out"))
                if writes and (path.name, fn.name) not in RAW_WRITERS:
                    found.append(f"{path.name}:{call.lineno} in {fn.name}: {ast.unparse(call)[:60]}")
    assert found == []
