"""cspkit: the records of a Community Safety Partnership, kept as YAML in git.

Records on disk -> :mod:`cspkit.yaml` (reading, locating, layout, writing) -> :mod:`cspkit.models`
-> :mod:`cspkit.load` (a :class:`~cspkit.repo.Repo`) -> :mod:`cspkit.checks` (cross-record) ->
:mod:`cspkit.session` (one load per command; all-or-nothing commits) -> :mod:`cspkit.views`
(derived: the action log as of a date, what the forward programme puts on the next agenda) ->
:mod:`cspkit.workflows` and :mod:`cspkit.render`. The command line (:mod:`cspkit.cli`) is a thin
shell over that library.
"""

__version__ = "0.1.0"
