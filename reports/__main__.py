"""``python -m reports``."""

from reports.cli import main

raise SystemExit(main())
