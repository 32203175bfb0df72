"""Minutes written as documents: out to Word or Markdown, back in, and the layout migration.

- :mod:`cspkit.minutes.to_blocks` — minutes (or a draft from the agenda) as document blocks,
  which :mod:`cspkit.documents` writes as Word or Markdown.
- :mod:`cspkit.minutes.from_blocks` — the blocks of a clerk's document read back into
  minutes: items, points, sub-headings, decisions and their owners, attendance.
- :mod:`cspkit.minutes.names` — people as minutes name them, and who a decision gives a task to.
- :mod:`cspkit.minutes.migrate` — minutes written before they had a body, rewritten.

The wording both sides share with the pack (labels, "AGREED that …", the signature block) is
:mod:`cspkit.render.minutes_style`: this package sits above rendering, below the workflows.
Nothing here imports anything heavy at the top; the document readers and writers load lxml
and python-docx only when they run.
"""
