"""Support-escalation guidelines: the decision tree engine and pricing.

The modules `model`, `engine`, `pricing` and `api` use the standard library
only and run unchanged in CPython and in the browser (Pyodide). The build side
(`decision_tree.build`) and the CLI need PyYAML and run only in CPython.
"""

__version__ = "1.0.0"
