"""Everything cspkit does with YAML text, in one place.

* :mod:`cspkit.yaml.read` — reading record files: the one file-reading rule, the safe
  YAML 1.2 loader, size/depth/character guards, messages a person can act on;
* :mod:`cspkit.yaml.locate` — from a field path to a line and column;
* :mod:`cspkit.yaml.layout` — the canonical layout (``cspkit fmt``) and schema modelines;
* :mod:`cspkit.yaml.write` — new files from data, and edits that change only their lines;
* ``_construct`` and ``_ruamel`` are private: the fast constructor and the one ruamel set-up.

Nothing is imported here: importing one module does not pull in ruamel.
"""
