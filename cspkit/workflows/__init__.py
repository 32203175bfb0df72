"""The officer and clerk workflows of the meeting cycle, as library functions.

Each module holds the steps for one record kind; the CLI (:mod:`cspkit.cli.workflow`) only
parses arguments, calls one of these functions and prints its result:

* :mod:`cspkit.workflows.meeting` — ``new_meeting``, ``start_minutes``, ``circulate_minutes``,
  ``approve_minutes``.
* :mod:`cspkit.workflows.actions` — ``raise_actions`` (decisions with owners become actions),
  ``add_action``, ``update_action``, ``close_action``, ``list_actions``.
* :mod:`cspkit.workflows.updates` — ``new_update`` (a partner update form), ``chase``.
* :mod:`cspkit.workflows.psa` — ``list_recommendations``, ``update_recommendation``,
  ``remove_recommendation``.
* :mod:`cspkit.workflows.programme` — ``list_programme``, ``roll_programme``.

Every write goes through :class:`cspkit.edit.Edit`: round-trip YAML (comments, key order and
quoting survive), the whole repository validated with the new text before anything is
replaced, atomic writes. A function that writes returns a result whose ``written`` lists
the files changed. Errors are :class:`cspkit.errors.UserError` (and kinds): unknown person,
meeting, action or recommendation, a closed action, a malformed date — all exit 1 in the CLI.
"""
