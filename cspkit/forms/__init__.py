"""The partner update form as a Word document: written for a partner, read back when it returns.

Partners fill in their update in Word and email it back. This package is the form itself:

- :mod:`cspkit.forms.spec` — what is on the form for one partner and one meeting: the
  details rows, the sections of ``update_form`` in ``cspkit.yaml``, and one row per theme or
  priority of the plan (:class:`FormSpec`). Writing and reading share it, so the import
  recognises exactly the labels and guidance the form was written with.
- :mod:`cspkit.forms.write` — the ``.docx``: the body's layout (a two-column table, or a
  heading per section), guidance as grey placeholder text, a "Not for publication" tick box
  per section, and, where the body asks, last quarter's answers marked as such.
- :mod:`cspkit.forms.read` — a returned form read into the fields of a partner update, by its
  labels: rows a partner added, merged or reworded, guidance left in, another font, a file
  saved by LibreOffice; whatever cannot be placed is reported with its row and label.

The workflows (``cspkit update form|import|chase``) are in :mod:`cspkit.workflows.updates`.
"""

from __future__ import annotations

from cspkit.forms.read import FormReading, read_form
from cspkit.forms.spec import FormFill, FormSpec, form_spec
from cspkit.forms.write import form_docx

__all__ = ["FormFill", "FormReading", "FormSpec", "form_docx", "form_spec", "read_form"]
