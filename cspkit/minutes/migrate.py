"""Minutes written before they had a body, rewritten in the body layout (``cspkit fmt --migrate``).

Before, a minute held ``intro`` (paragraphs), ``points``, ``sub_items`` (each with points)
and ``decisions``, in that fixed order. Now it holds ``body``: its parts in document order.
The rewrite keeps every word and puts the parts in the order the minutes are read:

1. sub-items that have no points of their own: a list of sub-headings first (8a, 8b, 8c,
   as the seeds print them before the discussion);
2. the intro, one ``text`` part per paragraph;
3. the points;
4. sub-items with points: each sub-heading followed by its points;
5. the decisions, as one block. A decision's leading "That" and final full stop are
   dropped (the minutes print them as the body writes them).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from cspkit.models.meeting import OLD_MINUTE_KEYS, Meeting
from cspkit.yaml import _ruamel, layout
from cspkit.yaml.read import YamlProblem, parse

_THAT = re.compile(r"^\s*that\s+", re.IGNORECASE)


def decision_clause(text: str) -> tuple[str, bool]:
    """("the report be noted", True) for "That the report be noted."; (text, False) when no "that"."""
    text = text.strip()
    m = _THAT.match(text)
    that = m is not None
    if m:
        text = text[m.end():]
    while text.endswith((".", ";")) and not text.endswith("..."):
        text = text[:-1].rstrip()
    return text, that


def _decision(old: Any) -> Any:
    if not isinstance(old, dict) or not isinstance(old.get("text"), str):
        return old  # leave anything odd as it is: validate says what is wrong with it
    text, _ = decision_clause(old["text"])
    # The old layout printed "that" before every text that did not start with it, so a text
    # without one is still a that-clause: only the wording moves, never the meaning.
    new: dict[str, Any] = {"text": text}
    for key, value in old.items():
        if key != "text":
            new[key] = value
    return new


def _new_map() -> Any:
    """A mapping for a new part: ruamel's, so that comments moved onto it are written."""
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _move_comment(source: Any, old_key: str, target: Any, new_key: str) -> None:
    """The end-of-line comment on ``old_key`` goes with its value to ``new_key`` (ruamel mappings only)."""
    ca_items = getattr(getattr(source, "ca", None), "items", None)
    if ca_items and old_key in ca_items and hasattr(target, "ca"):
        target.ca.items[new_key] = ca_items.pop(old_key)


def _part(source: Any, old_key: str, key: str, value: Any, **more: Any) -> Any:
    part = _new_map()
    part[key] = value
    for k, v in more.items():
        part[k] = v
    _move_comment(source, old_key, part, key)
    return part


def migrate_item(item: dict[str, Any]) -> dict[str, Any]:
    """One minute in the body layout (a new mapping; keys other than the old ones keep their order).

    The lists of points and decisions are moved, not copied, so comments inside them stay.
    """
    body: list[Any] = list(item.get("body") or [])
    subs = item.get("sub_items") or []
    bare = [s for s in subs if isinstance(s, dict) and not s.get("points")]
    full = [s for s in subs if not (isinstance(s, dict) and not s.get("points"))]

    def heading(sub: Any) -> Any:
        if not isinstance(sub, dict):
            return _part(item, "sub_items", "heading", sub)
        more = {"number": sub["number"]} if sub.get("number") is not None else {}
        return _part(sub, "title", "heading", sub.get("title"), **more)

    body += [heading(s) for s in bare]
    intro = item.get("intro")
    if isinstance(intro, str):
        paragraphs = [para.strip() for para in re.split(r"\n\s*\n", intro) if para.strip()]
        for k, para in enumerate(paragraphs):
            body.append(_part(item, "intro", "text", para) if k == 0 else _part({}, "", "text", para))
    elif intro is not None:
        body.append(_part(item, "intro", "text", intro))
    if item.get("points"):
        body.append(_part(item, "points", "points", item["points"]))
    for sub in full:
        body.append(heading(sub))
        if isinstance(sub, dict) and sub.get("points"):
            body.append(_part(sub, "points", "points", sub["points"]))
    decisions = item.get("decisions")
    if decisions:
        if isinstance(decisions, list):
            for k, d in enumerate(decisions):
                decisions[k] = _decision(d)
        body.append(_part(item, "decisions", "decisions", decisions))
    out = item.__class__() if hasattr(item, "ca") else {}
    for key, value in item.items():
        if key in OLD_MINUTE_KEYS or key == "body":
            if "body" not in out and body:
                out["body"] = body
            continue
        out[key] = value
        _move_comment(item, key, out, key)
    if body and "body" not in out:
        out["body"] = body
    return out


def migrate_meeting(data: Any) -> bool:
    """Rewrite the old-layout minutes of a meeting's data in place; True if anything changed."""
    if not isinstance(data, dict) or not isinstance(data.get("minutes"), dict):
        return False
    items = data["minutes"].get("items")
    if not isinstance(items, list):
        return False
    changed = False
    for i, item in enumerate(items):
        if isinstance(item, dict) and any(k in item for k in OLD_MINUTE_KEYS):
            items[i] = migrate_item(item)
            changed = True
    return changed


def migrate_text(text: str) -> str:
    """A meeting file's text with its minutes in the body layout (unchanged if there is nothing to do).

    The file is rewritten in the canonical layout (as ``cspkit fmt`` does) with its comments,
    which move with what they are about: a comment on ``intro:`` goes to the paragraph.
    """


    try:
        plain = parse(text)
    except (yaml.YAMLError, YamlProblem):
        return text  # not YAML: fmt and validate say where, better than a migration could
    if not migrate_meeting(plain):
        return text
    doc = _ruamel.load(text)
    migrate_meeting(doc)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return layout.format_text(_ruamel.dump(doc), Meeting, first if layout.is_modeline(first) else None)
