"""The lowest layer: errors and exit codes, argument types, models, URLs, the CLI edge."""
