"""``python -m alarms``."""

import sys

from alarms.cli import main

sys.exit(main())
