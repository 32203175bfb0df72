"""Minutes as a body writes them: wording, documents in and out, and the layout migration.

- :mod:`cspkit.minutes.style` — the one place that says how a body writes its minutes
  (point labels, "AGREED that …", "RESOLVED: (a) That …;", minute numbers, upcoming
  meetings); the renderers, the Word/Markdown export and the importer all use it.
- :mod:`cspkit.minutes.to_blocks` — minutes (or a draft from the agenda) as document blocks,
  which :mod:`cspkit.documents` writes as Word or Markdown.
- :mod:`cspkit.minutes.from_blocks` — the blocks of a clerk's document read back into
  minutes: items, points, sub-headings, decisions and their owners, attendance.
- :mod:`cspkit.minutes.migrate` — minutes written before they had a body, rewritten.

Nothing here imports anything heavy; the document readers and writers are imported by the
workflow that needs them (:mod:`cspkit.workflows.minutes_docs`).
"""
