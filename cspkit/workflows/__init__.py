"""The officer and clerk workflows of the meeting cycle, as library functions.

Each module holds the steps for one record kind; the CLI (:mod:`cspkit.cli`) only parses
arguments, calls one of these functions and prints its result:

* :mod:`cspkit.workflows.people` — ``add_person``, ``update_person`` (a new id is written into
  every record), ``merge_people``, ``list_people``, ``add_organisation``, ``list_organisations``.
* :mod:`cspkit.workflows.meeting` — ``new_meeting``, ``start_minutes``, ``circulate_minutes``,
  ``approve_minutes``, ``minutes_kept_elsewhere``.
* :mod:`cspkit.workflows.agenda` — ``add_item``, ``remove_item``, ``move_item``, ``retitle_item``,
  ``list_agenda``.
* :mod:`cspkit.workflows.attendance` — ``record_attendance``.
* :mod:`cspkit.workflows.actions` — ``raise_actions`` (decisions with owners become actions),
  ``add_action``, ``update_action``, ``close_actions``, ``reopen_action``, ``list_actions``.
* :mod:`cspkit.workflows.updates` — ``new_update`` (a partner update form), ``chase``.
* :mod:`cspkit.workflows.psa` — ``new_psa``, ``add_recommendation``, ``list_recommendations``,
  ``update_recommendations``, ``remove_recommendation``.
* :mod:`cspkit.workflows.programme` — ``list_programme``, ``add_programme_item``,
  ``defer_programme_item``, ``roll_programme``.

Every function that writes works on one :class:`cspkit.session.Session`: its changes are
made to the text as read, only to the lines they mean to change, checked with the whole
repository before anything is replaced, and written all together or not at all. It returns
a result whose ``written`` lists the files changed. Errors are
:class:`cspkit.errors.UserError` (and kinds): an unknown person (with the nearest names and
how to add one), meeting, action or recommendation, a closed action, a malformed date — all
exit 1 in the CLI.
"""
