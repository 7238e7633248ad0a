"""Support-escalation guidelines: the decision tree engine and pricing.

`decision_tree.core` uses the standard library only and runs unchanged in
CPython and in the browser (Pyodide): the wheel ships exactly that folder.
`sources` (reading and validating the YAML), `sitegen` (the site's sources),
`zendesk` and `cli` need PyYAML and friends and run only in CPython.
"""

__version__ = "1.0.0"
