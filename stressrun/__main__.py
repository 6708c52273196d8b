"""``python -m stressrun``: see ``stressrun.cli``."""

import sys

from stressrun.cli import main

sys.exit(main())
