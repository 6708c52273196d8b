"""``python -m stairload.warmup``."""

import sys

from stairload.warmup.cli import main

sys.exit(main())
