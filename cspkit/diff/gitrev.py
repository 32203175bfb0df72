"""Reading a partnership's records as they were at a git revision.

``git`` is run as a subprocess (no extra dependency). A revision of the records is
written into a temporary folder with ``git ls-tree -z`` and ``git cat-file --batch`` (one
process for all the files) and read there with the ordinary loader, so a revision is
checked exactly as ``cspkit validate`` would have checked it.

Path names never travel on a line of their own: ``ls-tree`` lists them NUL-terminated and
``cat-file`` is asked for each blob by its object id, so a file whose name holds a line break
cannot shift git's answers onto the wrong files. Paths are literal pathspecs (a folder named
``[abc]`` is not a pattern).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cspkit.errors import UserError
from cspkit.yaml.read import records_dir_of

#: Branches tried, in order, for the default base of ``cspkit diff``.
MAIN_BRANCHES = ("main", "master", "origin/main", "origin/master")


class GitError(UserError):
    """git is missing, the folder is not in a repository, or a revision does not exist."""


def _git(cwd: Path, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise GitError("git is not installed (cspkit diff reads revisions through git)")
    proc = subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd, input=input, capture_output=True,
                          check=False)
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(proc.returncode)}")
    return proc


@dataclass(frozen=True)
class GitRepo:
    """The git work tree around a partnership's repository (which may be a subfolder of it)."""

    toplevel: Path
    prefix: str
    """The partnership's folder relative to the top of the work tree ("" at the top)."""

    @classmethod
    def around(cls, root: Path) -> GitRepo:
        root = root.resolve()
        if shutil.which("git") is None:
            raise GitError("git is not installed (cspkit diff reads revisions through git)")
        proc = _git(root, "rev-parse", "--show-toplevel", check=False)
        if proc.returncode != 0:
            raise GitError(f"{root} is not inside a git repository (cspkit diff compares git revisions; "
                           "run git init, or pass --repo for a folder that is in one)")
        top = Path(proc.stdout.decode().strip()).resolve()
        prefix = root.relative_to(top).as_posix() if root != top else ""
        return cls(top, "" if prefix == "." else prefix)

    def resolve(self, rev: str) -> str:
        """The commit id ``rev`` names; a clear error naming ``rev`` if there is none."""
        if not rev or rev.startswith("-"):
            raise GitError(f"'{rev}' is not a revision")
        proc = _git(self.toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                    check=False)
        if proc.returncode != 0:
            raise GitError(f"'{rev}' is not a revision in the git repository at {self.toplevel} "
                           "(a branch, tag or commit; see git log)")
        return proc.stdout.decode().strip()

    def default_base(self) -> tuple[str, str]:
        """The merge base of HEAD with the main branch: (branch, commit)."""
        head = self.resolve_optional("HEAD")
        if head is None:
            raise GitError(f"the git repository at {self.toplevel} has no commits yet; nothing to compare with")
        for branch in MAIN_BRANCHES:
            commit = self.resolve_optional(branch)
            if commit is None:
                continue
            proc = _git(self.toplevel, "merge-base", head, commit, check=False)
            if proc.returncode == 0:
                return branch, proc.stdout.decode().strip()
        raise GitError("no main or master branch to compare with; name the revisions: cspkit diff REV_A [REV_B]")

    def resolve_optional(self, rev: str) -> str | None:
        try:
            return self.resolve(rev)
        except GitError:
            return None

    def short(self, commit: str) -> str:
        proc = _git(self.toplevel, "rev-parse", "--short", commit, check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else commit[:10]

    def _path(self, rel: str) -> str:
        return str(PurePosixPath(self.prefix, rel)) if self.prefix else rel

    def blobs(self, commit: str, rel: str) -> dict[str, str]:
        """Files at ``commit`` at or under ``rel`` (relative to the partnership's folder), with
        their blob ids. Names come NUL-terminated: any character a name can hold is kept."""
        proc = _git(self.toplevel, "ls-tree", "-r", "-z", "--full-tree", commit, "--", self._path(rel))
        cut = len(self.prefix) + 1 if self.prefix else 0
        found: dict[str, str] = {}
        for entry in proc.stdout.split(b"\0"):
            info, tab, name = entry.partition(b"\t")
            fields = info.split()
            if not tab or len(fields) != 3 or fields[1] != b"blob":
                continue  # a submodule, or nothing
            found[name.decode("utf-8", "surrogateescape")[cut:]] = fields[2].decode("ascii")
        return found

    def files(self, commit: str, rel: str) -> list[str]:
        """Files at ``commit`` under ``rel`` (relative to the partnership's folder)."""
        return list(self.blobs(commit, rel))

    def read(self, commit: str, rels: list[str]) -> dict[str, bytes]:
        """Contents of files at ``commit`` (relative to the partnership's folder); missing ones are left out."""
        wanted = set(rels)
        ids: dict[str, str] = {}
        for rel in dict.fromkeys(rels):
            ids.update({name: oid for name, oid in self.blobs(commit, rel).items() if name in wanted})
        return self._contents(ids)

    def read_tree(self, commit: str, rel: str) -> dict[str, bytes]:
        """Every file at ``commit`` under ``rel``, with its content (one git process for all)."""
        return self._contents(self.blobs(commit, rel))

    def _contents(self, ids: dict[str, str]) -> dict[str, bytes]:
        """The blobs ``ids`` names (path -> blob id), asked for by id: one id a line, never a path."""
        if not ids:
            return {}
        order = list(ids.items())
        request = "".join(f"{oid}\n" for _, oid in order).encode("ascii")
        out = _git(self.toplevel, "cat-file", "--batch", input=request).stdout
        contents: dict[str, bytes] = {}
        pos = 0
        for rel, oid in order:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 2 and header[1] == b"missing":
                continue
            if len(header) != 3 or header[0] != oid.encode("ascii"):  # never a wrong file's content
                raise GitError(f"git cat-file gave an answer for another object than {oid}; nothing was compared")
            size = int(header[2])
            if header[1] == b"blob":
                contents[rel] = out[pos:pos + size]
            pos += size + 1
        return contents

    @contextmanager
    def checkout(self, commit: str) -> Iterator[Path | None]:
        """The partnership's folder as it was at ``commit``, in a temporary folder.

        Yields None when there was no ``cspkit.yaml`` at that revision (the records did not
        exist yet). Only ``cspkit.yaml`` and the records folder are written.
        """

        with tempfile.TemporaryDirectory(prefix="cspkit-rev-") as tmp:
            where = Path(tmp)
            config = self.read(commit, ["cspkit.yaml"])
            if "cspkit.yaml" not in config:
                yield None
                return
            (where / "cspkit.yaml").write_bytes(config["cspkit.yaml"])
            records = records_dir_of(where / "cspkit.yaml")
            for rel, data in self.read_tree(commit, records).items():
                target = where / rel
                if not target.resolve().is_relative_to(where.resolve()):
                    continue  # a path that would escape the folder: never written
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            (where / records).mkdir(exist_ok=True)
            yield where
