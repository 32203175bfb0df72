"""cspkit: the records of a Community Safety Partnership, kept as YAML in git.

Records on disk -> :mod:`cspkit.loader` (keeping line numbers) -> :mod:`cspkit.models`
-> :mod:`cspkit.checks` (cross-record) -> :mod:`cspkit.views` (derived: the action log
as of a date, what the forward programme puts on the next agenda) -> :mod:`cspkit.render`.
The command line (:mod:`cspkit.cli`) is a thin shell over that library.
"""

__version__ = "0.1.0"
