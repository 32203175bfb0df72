"""Page images of the packs both example bodies render, for review: `make pages`.

    python docs/pages/regenerate.py            # write docs/pages/*.png
    python docs/pages/regenerate.py --check    # exit 1 if any committed image is out of date

For Charnwood (records/) and the county board (examples/county-board): the front sheet, the
first page of the minutes, the action log, a partner's update and the performance paper,
drawn by poppler's pdftoppm at 60 dpi. A change to a template or a style shows up in the
pull request as a changed image. Charnwood's pack has no performance paper (its performance
item is a presentation, as in the real pack), so its image is of the performance paper the
pack would carry if item 4 had one: a copy of the records with that paper added.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DPI = 60

#: (body, repository, meeting, {image name: anchor of the page's paper, or "front"})
PACKS = [
    ("charnwood", ROOT, "2023-10-12", {"front-sheet": "front", "minutes": "paper-2-1", "action-log": "paper-3-1",
                                       "partner-update": "update-lfrs"}),
    ("county", ROOT / "examples" / "county-board", "2024-03-22",
     {"front-sheet": "front", "minutes": "paper-2-1", "action-log": "paper-4-1", "partner-update": "paper-7-1",
      "performance": "paper-12-1"}),
]
#: Charnwood's performance paper, from a copy of its records that attaches one to item 4.
CHARNWOOD_PERFORMANCE = ("charnwood-performance.png", "paper-4-1")


def with_performance_paper(source: Path, target: Path) -> Path:
    """A copy of Charnwood's repository whose item 4 (2023/24 Performance) carries the paper."""
    from cspkit.yaml.write import edit_text

    shutil.copy2(source / "cspkit.yaml", target / "cspkit.yaml")
    shutil.copytree(source / "records", target / "records")
    path = target / "records" / "meetings" / "2023-10-12.yaml"

    def attach(doc) -> None:
        item = next(i for i in doc["agenda"] if str(i["number"]) == "4")
        item["papers"] = [{"kind": "performance", "title": "2023/24 Performance"}]

    path.write_text(edit_text(path.read_text(encoding="utf-8"), attach), encoding="utf-8")
    return target


def render_pack(root: Path, meeting: str, out: Path) -> Path:
    """The pack's PDF, through the command line as a clerk would make it."""
    subprocess.run([sys.executable, "-m", "cspkit", "--repo", str(root), "render", "pack", meeting,
                    "--format", "pdf", "-o", str(out), "--force"], check=True, stdout=subprocess.DEVNULL)
    return out / f"{meeting}-agenda-pack.pdf"


def anchor_page(pdf: Path, anchor: str) -> int:
    """The page (1-based) where an anchor of the pack starts."""
    if anchor == "front":
        return 1
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return reader.get_destination_page_number(reader.named_destinations[anchor]) + 1


def page_image(pdf: Path, page: int, target: Path) -> Path:
    """One page of ``pdf`` as a PNG (``target`` without its suffix is pdftoppm's root)."""
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(target.with_suffix(""))], check=True)
    return target


def pack_images(pdf: Path, body: str, pages: dict[str, str], work: Path) -> dict[str, Path]:
    """The page images of one pack's PDF: {file name: path}."""
    return {f"{body}-{name}.png": page_image(pdf, anchor_page(pdf, anchor), work / f"{body}-{name}.png")
            for name, anchor in pages.items()}


def images(work: Path) -> dict[str, Path]:
    """Every page image, drawn into ``work``: {file name: path}."""
    out = {}
    for body, root, meeting, pages in PACKS:
        out.update(pack_images(render_pack(root, meeting, work / body), body, pages, work))
    copy = work / "charnwood-with-performance"
    copy.mkdir()
    pdf = render_pack(with_performance_paper(ROOT, copy), "2023-10-12", copy / "build")
    name, anchor = CHARNWOOD_PERFORMANCE
    out[name] = page_image(pdf, anchor_page(pdf, anchor), work / name)
    return out


def same_pixels(a: Path, b: Path) -> bool:
    from PIL import Image, ImageChops

    with Image.open(a) as one, Image.open(b) as two:
        if one.size != two.size:
            return False
        return ImageChops.difference(one.convert("RGB"), two.convert("RGB")).getbbox() is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the committed images are current")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        sys.stderr.write("error: pdftoppm is not installed (Debian: apt-get install poppler-utils)\n")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        fresh = images(Path(tmp))
        stale = [name for name, path in fresh.items()
                 if not (HERE / name).exists() or not same_pixels(path, HERE / name)]
        if args.check:
            for name in stale:
                sys.stdout.write(f"docs/pages/{name} is out of date (make pages)\n")
            return 1 if stale else 0
        for name, path in fresh.items():
            if name in stale:
                shutil.copyfile(path, HERE / name)
                sys.stdout.write(f"docs/pages/{name}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
