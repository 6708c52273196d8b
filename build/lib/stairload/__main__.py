"""``python -m stairload``: the same command as ``stairload``."""

from stairload.cli import main

raise SystemExit(main())
