"""Each record in its one file: the file named for what it holds, and no key held twice."""

from __future__ import annotations

import os

from cspkit.checks.context import CheckContext, check
from cspkit.errors import ProblemCode
from cspkit.fileio import real_path


@check
def check_files(ctx: CheckContext) -> None:
    """A record whose key (date, year …) does not match its file's name, or that another file
    already holds (the second is not indexed: say so)."""
    repo = ctx.repo
    records = real_path(repo.records_dir)  # loading resolved the folders of every record path
    top = f"{records}/" if os.sep == "/" else "\0"  # (where a path is not written with "/", the Paths say)
    for src in repo.sources.values():
        rec, kind = src.model, src.kind
        if rec is None or kind.path is None:
            continue
        key = kind.key(rec)
        name_field = (kind.key_fields[-1],)
        shadowed = False
        for index, entry_key, record in kind.entries(rec):
            if index == "actions":
                continue  # action ids are checked across files (checks.actions)
            first = getattr(repo, index).get(entry_key)
            if first is not None and first is not record:
                other = repo.source_of(first)
                ctx.at(src.rel, name_field, f"{other.rel if other else 'another file'} already holds "
                                            f"{kind.describe(key)}: each belongs in one file", ProblemCode.duplicate)
                shadowed = True
        if shadowed or str(src.path) == f"{top}{kind.path(key)}":
            continue  # (the common case, told from the strings alone: no path built)
        expected = records / kind.file_for(key)
        if src.path == expected:
            continue
        if src.path.parent == expected.parent:
            ctx.at(src.rel, name_field, f"the file is named {src.path.name} but holds {kind.describe(key)}: "
                                        f"name it {expected.name}", ProblemCode.file_name)
        else:
            ctx.at(src.rel, (kind.key_fields[0],), f"{kind.describe(key)} belongs in {repo.rel(expected)}, "
                                                   f"not in {src.rel}", ProblemCode.file_name)
