"""`python -m decision_tree`: see decision_tree.cli."""

import sys

from .cli import main

sys.exit(main())
