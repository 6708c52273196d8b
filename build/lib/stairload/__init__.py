"""The core every stairload command shares: exit codes, errors, argument types, the CLI edge."""
