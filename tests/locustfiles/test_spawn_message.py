"""A spawn message costs a worker one build of Locust's parser, not one per option.

Runs in a fresh interpreter: the fix replaces a function of the ``locust`` module, and
the count must start from a Locust that has not built its parser yet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Locust 2.47's WorkerRunner.handle_message filters the master's options this way.
_SPAWN_FILTER = """
import json
from locust import argument_parser
{install}
builds = []
setup = argument_parser.setup_parser_arguments


def counting_setup(parser, *args, **kwargs):
    builds.append(1)
    return setup(parser, *args, **kwargs)


argument_parser.setup_parser_arguments = counting_setup
options = {{"host": "http://127.0.0.1:1", "num_users": 5}}
options.update({{f"custom_{{i}}": i for i in range(75)}})
kept = {{k: v for k, v in options.items() if k not in argument_parser.default_args_dict()}}
builds_in_filter = len(builds)
defaults = argument_parser.default_args_dict()
print(json.dumps({{
    "builds": builds_in_filter,
    "options": len(options),
    "kept": sorted(kept),
    "has_host": "host" in defaults,
}}))
"""


def _filter(install: str) -> dict:
    code = _SPAWN_FILTER.format(install=install)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_lockstep_with_locust_one_parser_build_per_option_without_the_fix():
    plain = _filter("")
    assert plain["builds"] == plain["options"] == 77  # the defect: one build per option


def test_the_locustfile_makes_a_spawn_message_build_the_parser_once():
    fixed = _filter("import locustfiles.stress  # noqa: F401")
    assert fixed["builds"] <= 1
    assert fixed["kept"] == sorted(f"custom_{i}" for i in range(75))
    assert fixed["has_host"]
