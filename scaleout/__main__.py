"""``python -m scaleout``: see scaleout.cli."""

import sys

from scaleout.cli import main
from stairload.cli import run_cli

sys.exit(run_cli(main))
