"""``python -m capacity``: the same as the ``capacity`` console script."""

from capacity.cli import main

raise SystemExit(main())
