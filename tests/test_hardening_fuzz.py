"""Fuzzing: arbitrary YAML-ish input never crashes cspkit, and every failure is located.

Hypothesis writes text into a copy of the mini repository as a meeting file, an actions
file, the people registry, a partner update or cspkit.yaml: YAML-ish lines built from the models' own keys and tricky values (YAML 1.1 words,
dates that do not exist, anchors, tags, unclosed brackets, tabs), mutations of the real
record files (lines dropped, doubled, swapped, re-indented, cut short, values replaced),
random Unicode and raw bytes. Then ``cspkit validate`` runs, and when the records are
valid, ``render pack`` / ``render action-log`` in Markdown and HTML.

The properties: nothing escapes (exit 0 or 1, never 3); a validate problem is always one
line ``path:line:col: …`` or ``path: …`` naming a file that exists; a render refusal is one
line per problem.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tempfile
import typing
from pathlib import Path

import pytest
from conftest import MINI, trials
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

TARGETS = {
    "meeting": "records/meetings/2023-10-12.yaml",
    "held meeting": "records/meetings/2023-07-13.yaml",
    "actions": "records/actions/2023-07-13.yaml",
    "people": "records/people.yaml",
    "partner update": "records/updates/2023-10-12/mini-police.yaml",
    "config": "cspkit.yaml",
}
PROBLEM = re.compile(r"^(?P<path>[^:\s][^:]*?)(?::(?P<line>\d+):(?P<col>\d+))?: .")
SUMMARY = re.compile(r"^((\d+ problems?( and \d+ warnings?)?|\d+ warnings?) in \d+ files? \(\d+ checked\)"
                     r"|\d+ files checked, no problems)$")


def _model_keys() -> list[str]:
    from cspkit.models import KINDS

    keys: set[str] = set()
    seen: set[type] = set()

    def walk(tp) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in seen:
            seen.add(tp)
            for name, info in tp.model_fields.items():
                keys.add(name)
                walk(info.annotation)

    for kind in KINDS:
        walk(kind.model)
    return sorted(keys)


KEYS = _model_keys()
VALUES = [
    "", "~", "null", "true", "false", "no", "No", "on", "off", "yes", "y", "n", "10:30", "'10:30'", "25:61",
    "2023-10-12", "2023-07-13", "2023-02-30", "2023-13", "2023-10", "2023-07-13/3.1", "2023-07-13/../3.1", "1e3",
    "010", "0o7", "0x1F", ".inf", ".nan", "-.5", "3", "8a", "999999999999999999999", "[a, b]", "[bob-jones]", "{a: 1}",
    "[", "{", "]", "'", '"', "'unclosed", '"esc \\x00 \\u0000 \\uD800"', "|", ">-", "&a x", "*a", "&b", "*b",
    "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!set {a}", "!custom x", "!!str 5",
    "<<: *a", "- x", "#", "bob-jones", "alice-smith", "carol-white", "mini-police", "held", "scheduled",
    "cancelled", "open", "complete", "closed", "action-log", "document", "partner-update", "papers/x.md",
    "../../etc/passwd", "chair", "Q1", "<script>alert(1)</script>", "{{ 7*7 }}", "{% for x in y %}",
    "[x](javascript:alert(1))", "\u202e\u200b\ufeff", "é ü – “quoted” ☃ 𝔘", "a: b: c", "- - -", "? x",
]

indent = st.one_of(st.sampled_from(["", "  ", "    ", "      ", "        "]),
                   st.sampled_from([" ", "   ", "\t", "  \t", "\u00a0"]))
scalar = st.one_of(st.sampled_from(VALUES), st.text(max_size=12))
key = st.one_of(st.sampled_from(KEYS), st.sampled_from(["venu", "Date", "id ", "- id", "1", "true", "? a", ""]))
line = st.one_of(
    st.builds(lambda i, k, v: f"{i}{k}: {v}", indent, key, scalar),
    st.builds(lambda i, k: f"{i}{k}:", indent, key),
    st.builds(lambda i, k, v: f"{i}- {k}: {v}", indent, key, scalar),
    st.builds(lambda i, v: f"{i}- {v}", indent, scalar),
    st.builds(lambda i, v: f"{i}{v}", indent, scalar),
    st.builds(lambda i, v: f"{i}# {v}", indent, scalar),
)
yamlish = st.lists(line, max_size=40).map(lambda ls: "\n".join(ls) + "\n")


@st.composite
def mutated(draw, original: str) -> str:
    """A real record file with a few edits a person (or a bad merge) might make."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "double", "swap", "indent", "dedent", "insert", "replace value",
                                   "replace key", "truncate", "tab", "join"]))
        if op == "drop":
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "indent":
            lines[i] = draw(indent) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "insert":
            lines.insert(i, draw(line))
        elif op == "replace value" and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + draw(scalar)
        elif op == "replace key" and ":" in lines[i]:
            head, rest = lines[i].split(":", 1)
            lines[i] = head[: len(head) - len(head.lstrip(" -"))] + draw(key) + ":" + rest
        elif op == "truncate":
            cut = draw(st.integers(0, len(lines[i])))
            lines = lines[:i] + [lines[i][:cut]]
        elif op == "tab":
            lines[i] = lines[i].replace("  ", "\t", 1)
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + " " + lines[i + 1].lstrip()]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n", "\n\n"]))


TEXT_LINE = re.compile(r"^(\s*(?:- )?(?:title|text|note|purpose|intro|venue): |\s+- (?=[A-Z]))(.*)$")


@st.composite
def retexted(draw, original: str) -> str:
    """A real record file with its free text replaced: usually still valid, so it gets rendered."""
    lines = original.splitlines()
    for i, ln in enumerate(lines):
        m = TEXT_LINE.match(ln)
        if m and draw(st.booleans()):
            value = draw(st.one_of(st.text(min_size=1, max_size=60), st.sampled_from(VALUES)))
            lines[i] = m.group(1) + json.dumps(value)
    return "\n".join(lines) + "\n"


@st.composite
def inputs(draw) -> tuple[str, bytes]:
    target = draw(st.sampled_from(sorted(TARGETS)))
    original = (MINI / TARGETS[target]).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["mutation", "mutation", "text", "text", "yamlish", "unicode", "bytes"]))
    if kind == "text":
        data = draw(retexted(original)).encode("utf-8")
    elif kind == "mutation":
        data = draw(mutated(original)).encode("utf-8")
    elif kind == "yamlish":
        data = draw(yamlish).encode("utf-8")
    elif kind == "unicode":
        data = draw(st.text(max_size=300)).encode("utf-8")
    else:
        data = draw(st.binary(max_size=300))
    return target, data


def _run(args: list) -> tuple[int, str, str]:
    from cspkit.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


@settings(max_examples=trials(150), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(case=inputs())
def test_arbitrary_input_never_crashes_and_every_problem_is_located(case, workdir, monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(workdir / "cache"))
    target, data = case
    root = workdir / "repo"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(MINI, root)
    (root / TARGETS[target]).write_bytes(data)

    code, out, err = _run(["--repo", root, "validate"])
    event(f"validate exit {code}")
    assert code in (0, 1), f"exit {code}: {err}"
    assert err == "", err
    lines = out.splitlines()
    assert lines and SUMMARY.match(lines[-1]), out
    for problem in lines[:-1]:
        m = PROBLEM.match(problem)
        assert m, f"not a located problem: {problem!r}"
        assert (root / m["path"]).is_file() or (root / m["path"]).is_dir(), problem
        if m["line"]:
            assert int(m["line"]) >= 1 and int(m["col"]) >= 1, problem
    errors = [ln for ln in lines[:-1] if not PROBLEM.match(ln) or ": warning: " not in ln]
    assert (code == 0) == (not errors)  # warnings never fail validate

    if code == 0:
        out_dir = workdir / "out"
        for args in (["pack", "2023-10-12"], ["action-log", "--as-of", "2023-10-12"], ["minutes", "2023-07-13"]):
            rcode, rout, rerr = _run(["--repo", root, "render", *args, "--format", "md,html", "-o", out_dir])
            event(f"render {args[0]} exit {rcode}")
            assert rcode in (0, 1), f"exit {rcode}: {rerr}"
            if rcode == 1:
                for problem in rerr.splitlines():
                    assert problem.startswith("error: ") or PROBLEM.match(problem), problem
            else:
                assert rerr == "" and len(rout.splitlines()) == 2
