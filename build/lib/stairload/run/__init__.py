"""One command for a whole stress run: target, Locust (master + workers), run directory, report."""
