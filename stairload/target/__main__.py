"""``python -m stairload.target``: see stairload.target.cli."""

import sys

from stairload.target.cli import main

sys.exit(main())
