"""``cspkit diff``: what a change between two revisions means for the partnership's business.

:mod:`.gitrev` reads the records at a git revision; :mod:`.compare` compares two loaded
repositories record by record and reports each difference in the partnership's terms.
"""

from cspkit.diff.compare import FORMATS, Change, DiffReport, diff

__all__ = ["FORMATS", "Change", "DiffReport", "diff"]
