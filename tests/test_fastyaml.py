"""cspkit.yaml._construct builds exactly what yaml.load(text, Loader=RecordLoader) builds, or defers to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import trials
from hypothesis import given, settings
from hypothesis import strategies as st

from cspkit.yaml import _construct as fastyaml
from cspkit.yaml.read import RecordLoader

ROOT = Path(__file__).resolve().parent.parent

TRICKY = {
    "empty": "",
    "comment only": "# nothing\n",
    "scalar": "just text\n",
    "list": "- a\n- 1\n- 1.5\n- true\n- null\n- 2023-10-12\n",
    "nested": "a:\n  b:\n  - c: [1, 2, {d: e}]\n",
    "yaml 1.2 words": "a: no\nb: off\nc: 10:30\nd: 010\ne: 0x1F\nf: .inf\ng: -.5e3\nh: ~\ni: ''\n",
    "timestamps": "a: 2023-10-12\nb: 2023-10-12 10:30:00\nc: 2023-10-12T10:30:00+01:00\nd: 2023-02-30\n",
    "explicit tags": "a: !!str 5\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null ''\n",
    "explicit octal int": "a: !!int '010'\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "set": "a: !!set {x: null}\n",
    "omap": "a: !!omap [x: 1]\n",
    "custom tag": "a: !thing x\n",
    "python tag": "a: !!python/object:os.system x\n",
    "anchor only": "a: &x 1\nb: 2\n",
    "alias": "a: &x 1\nb: *x\n",
    "alias of a mapping": "a: &x {k: v}\nb: *x\n",
    "alias key": "a: &k key\n*k : v\n",
    "star in text": "a: '*not an alias*'\nb: \"**bold**\"\nc: |\n  * item\n",
    "merge key": "a: &x {k: v}\nb:\n  <<: *x\n",
    "explicit merge": "b: {!!merge x: 1}\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate nested": "x:\n  a: 1\n  a: 2\n",
    "duplicate int key": "1: a\n1: b\n",
    "int and str key": "1: a\n'1': b\n",
    "bool and int key": "true: a\n1: b\n",
    "null key": "~: a\nnull: b\n",
    "date key": "2023-10-12: a\n",
    "float key": "1.5: a\n",
    "complex key": "? [a, b]\n: c\n",
    "mapping key": "? {a: b}\n: c\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1, 2\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "tab": "a:\n\tb: 1\n",
    "value tag key": "!!value x: 1\n",
    "unicode": "name: Zoë Brontë – “quoted”\n",
    "long text": "text: |-\n  line one\n  line two\n",
}


def outcome(load, text: str):
    try:
        return ("ok", load(text))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def full(text: str):
    return yaml.load(text, Loader=RecordLoader)


def fast(text: str):
    return fastyaml.load(text, RecordLoader)  # RecordLoader is a SafeLoader (cspkit.yaml.read)


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_documents(name):
    text = TRICKY[name]
    got, want = outcome(fast, text), outcome(full, text)
    assert got == want
    if want[0] == "ok":
        assert repr(got[1]) == repr(want[1])  # same types too (True is not 1, 1.0 is not 1)


def record_files() -> list[Path]:
    files = [*ROOT.glob("cspkit.yaml"), *(ROOT / "records").rglob("*.yaml"),
             *(ROOT / "examples").rglob("*.yaml"), *(ROOT / "tests").rglob("*.yaml")]
    return sorted(p for p in files if p.is_file() and ".cspkit-cache" not in p.parts)


def test_every_yaml_file_in_the_repository():
    files = record_files()
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if text.count("[") + text.count("{") > 500:
            continue  # the nesting-depth cases: yamlio refuses them before either loader runs
        got, want = outcome(fast, text), outcome(full, text)
        assert got == want, path
        if want[0] == "ok":
            assert repr(got[1]) == repr(want[1]), path


def test_a_loader_that_builds_differently_is_always_used():
    class Shouting(RecordLoader):
        pass

    Shouting.add_constructor("tag:yaml.org,2002:str", lambda loader, node: node.value.upper())
    assert fastyaml.load("a: b\n", Shouting) == yaml.load("a: b\n", Loader=Shouting) == {"A": "B"}


@settings(max_examples=trials(600), deadline=None)
@given(value=st.one_of(st.text(max_size=12), st.from_regex(r"[-+.]?[0-9tTfFnN~.][0-9a-zA-Z.:+ -]{0,10}", fullmatch=True),
                       st.sampled_from(["", "~", "null", "NULL", ".inf", "-.Inf", ".NaN", "2023-10-12", "10:30",
                                        "2023-10-12 10:30:00", "0x1F", "1e5", "<<", "=", "yes", "On", "010"])),
       implicit=st.tuples(st.booleans(), st.booleans()))
def test_the_record_loader_resolves_every_scalar_as_pyyaml_s_resolver_does(value, implicit):
    """RecordLoader finds a node's tag from a table made once; PyYAML's own resolver, given the
    same implicit resolvers, finds the same tag for every scalar, plain or quoted."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import BaseResolver

    loader = RecordLoader("")
    try:
        assert loader.resolve(ScalarNode, value, implicit) == BaseResolver.resolve(loader, ScalarNode, value, implicit)
        for kind in (SequenceNode, MappingNode):
            assert loader.resolve(kind, None, implicit) == BaseResolver.resolve(loader, kind, None, implicit)
    finally:
        loader.dispose()
