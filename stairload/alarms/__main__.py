"""``python -m stairload.alarms``."""

import sys

from stairload.alarms.cli import main

sys.exit(main())
