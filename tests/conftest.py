"""Shared by every test folder: its presence puts ``tests/`` on the import path, so any
test can ``from exact_totals import assert_exact_totals``."""
