"""``stairload alarms``: format or post a CloudWatch alarm's SNS event; list or try rules.

Exit codes: 0 done; 1 the webhook post failed; 2 a user mistake (bad event file, bad
``scenarios.yaml``, webhook variable unset). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stairload.alarms.cloudwatch import EventError, slack_payload_from_event
from stairload.alarms.config import AlarmSettings, Language, parse_alarms
from stairload.alarms.evaluate_cli import add_evaluate_command, attach_datapoints
from stairload.alarms.notifier import PostError, post_json, require_webhook_url
from stairload.alarms.wording import metric_label, window
from stairload.core.commandline import Parser, run_cli
from stairload.core.errors import StairloadError
from stairload.options import SCENARIOS

POST_TIMEOUT_SECONDS = 10.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    return run_cli(_run, argv)


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(attach_datapoints(sys.argv[1:] if argv is None else argv))
    try:
        return int(args.command(args))
    except PostError as error:
        raise StairloadError(f"webhook post failed: {error}") from None


def _format_sns(args: argparse.Namespace) -> int:
    payload = _payload(args)
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def _post_sns(args: argparse.Namespace) -> int:
    payload = _payload(args)
    url = require_webhook_url(args.webhook_env)
    post_json(url, payload, POST_TIMEOUT_SECONDS)
    attachment = payload["attachments"][0]
    print(f"posted {attachment['title']} ({attachment['color']})")
    return 0


def _rules(args: argparse.Namespace) -> int:
    from capacity.config import load_scenarios

    suite = load_scenarios(args.scenarios)
    settings = parse_alarms(suite.alarms_raw, str(args.scenarios))
    for line in _rule_lines(settings):
        print(line)
    return 0


def _rule_lines(settings: AlarmSettings) -> list[str]:
    lines = [
        f"webhook: ${settings.webhook_env}  time zone: {settings.time_zone}  "
        f"language: {settings.language.value}"
    ]
    for rule in settings.rules:
        span = window(Language.EN, rule.period_seconds * rule.evaluation_periods)
        lines.append(
            f"[{rule.name}] {metric_label(Language.EN, rule.metric)} {rule.comparison.symbol} "
            f"{rule.threshold:g} in {rule.datapoints_to_alarm} of {rule.evaluation_periods} "
            f"periods of {rule.period_seconds} s ({span}), missing data: "
            f"{rule.treat_missing_data.value}"
        )
    if not settings.rules:
        lines.append("no alarm rules")
    return lines


def _payload(args: argparse.Namespace) -> dict[str, Any]:
    path = Path(args.event)
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EventError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EventError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    except json.JSONDecodeError as error:
        raise EventError(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from None
    try:
        return slack_payload_from_event(event, Language(args.language), args.time_zone)
    except EventError as error:
        raise EventError(f"{path}: {error}") from None


def _parser() -> Parser:
    parser = Parser(
        prog="stairload alarms",
        description="CloudWatch alarm -> Slack message; alarm rules and how they judge data.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=Parser)
    for name, function, text in (
        ("format-sns", _format_sns, "print the Slack payload for an SNS event file"),
        ("post-sns", _post_sns, "post the Slack payload for an SNS event file to the webhook"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("event", metavar="EVENT.json", help="SNS event (as Lambda gets it)")
        command.add_argument(
            "--language",
            choices=[m.value for m in Language],
            default="ko",
            help="labels and cause wording (default: ko)",
        )
        command.add_argument(
            "--time-zone",
            default="Asia/Seoul",
            help="time zone of the 'when' field (default: Asia/Seoul)",
        )
        if name == "post-sns":
            command.add_argument(
                "--webhook-env",
                default="SLACK_WEBHOOK_URL",
                help="variable with the webhook URL (default: SLACK_WEBHOOK_URL)",
            )
        command.set_defaults(command=function)
    rules = commands.add_parser(
        "rules",
        help="list the alarm rules of scenarios.yaml",
        description="list the alarm rules of scenarios.yaml",
    )
    SCENARIOS.add_to(rules)
    rules.set_defaults(command=_rules)
    add_evaluate_command(commands)
    return parser
