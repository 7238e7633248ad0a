"""`python -m decision_tree`: see decision_tree.cli."""

import sys

from decision_tree.cli import main

sys.exit(main())
