"""Review workflows: how records look in a pull request, in CI, in an editor and in a calendar.

* :mod:`cspkit.review.fmt` — one canonical layout for every record file (``cspkit fmt``);
* :mod:`cspkit.review.diff` — what a change between two revisions means (``cspkit diff``),
  reading revisions through :mod:`cspkit.review.gitrev`;
* :mod:`cspkit.review.editor` — the ``# yaml-language-server`` line and VS Code settings;
* :mod:`cspkit.review.ci` — the GitHub Actions workflow ``cspkit init`` writes;
* :mod:`cspkit.review.calendar` — the meetings as iCalendar (``cspkit calendar``);
* :mod:`cspkit.review.docs` — ``docs/cli.md`` from every command's ``--help``.

Nothing is imported here, so importing one module does not pull in ruamel or icalendar.
"""
