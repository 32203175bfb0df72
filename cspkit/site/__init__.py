"""The public website of a partnership's record, and the packs it publishes.

* :func:`build_site` (``cspkit site build``) — every page, feed, JSON file and search index of
  the public record, from the public audience only (:mod:`cspkit.site.content`), rebuilt file
  by file as the records change (:mod:`cspkit.site.build`).
* :func:`publish` (``cspkit publish``) — freeze a meeting's public agenda pack as circulated.
* :func:`serve` (``cspkit site serve``) — look at the built site on 127.0.0.1.
"""

from __future__ import annotations

from cspkit.site.build import SiteReport, build_site, default_as_of
from cspkit.site.publish import Published, publish
from cspkit.site.serve import serve

__all__ = ["Published", "SiteReport", "build_site", "default_as_of", "publish", "serve"]
