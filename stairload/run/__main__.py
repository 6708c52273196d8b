"""``python -m stairload.run``: see ``stairload.run.cli``."""

import sys

from stairload.run.cli import main

sys.exit(main())
