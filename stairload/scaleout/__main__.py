"""``python -m stairload.scaleout``: see stairload.scaleout.cli."""

import sys

from stairload.core.commandline import run_cli
from stairload.scaleout.cli import main

sys.exit(run_cli(main))
