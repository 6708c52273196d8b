"""``python -m target_app``: see target_app.cli."""

import sys

from target_app.cli import main

sys.exit(main())
