"""stairload alarms: format-sns, post-sns, rules; one-line errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alarms_webhook import SECRET_PATH, Webhook

from stairload.alarms.notifier import PostError, post_json
from stairload.cli.alarms import main

SEED = str(Path(__file__).parent / "fixtures" / "seed_sns_event.json")


def test_format_sns_prints_the_payload(capsys: pytest.CaptureFixture[str]) -> None:
    """format-sns prints the Slack payload as JSON, Korean by default."""
    assert main(["format-sns", SEED]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["attachments"][0]["fields"][0] == {
        "title": "언제",
        "value": "2024-12-09 00:00:00",
    }


def test_post_sns_posts_to_the_env_webhook(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """post-sns posts the payload to the URL in SLACK_WEBHOOK_URL and never prints the URL."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    assert main(["post-sns", SEED, "--language", "en"]) == 0
    (posted,) = webhook.wait_for(1)
    assert posted["attachments"][0]["title"] == "[Auto Scaling CPU 알람 (70% 초과)]"
    assert webhook.paths == [SECRET_PATH]
    out = capsys.readouterr()
    assert out.out == "posted [Auto Scaling CPU 알람 (70% 초과)] (danger)\n"
    assert SECRET_PATH not in out.out + out.err


@pytest.mark.parametrize(
    ("args", "content", "message", "code"),
    [
        (["format-sns"], '{"Records": []}', "Records: must hold at least one record", 2),
        (
            ["format-sns"],
            "{",
            "not valid JSON (line 1: Expecting property name enclosed in double quotes)",
            2,
        ),
        (["post-sns"], '{"Records": []}', "Records: must hold at least one record", 2),
    ],
)
def test_bad_event_file_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    webhook: Webhook,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    content: str,
    message: str,
    code: int,
) -> None:
    """A malformed event file gives 'Error: FILE: ...' on one line, exit 2, and no post."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    event = tmp_path / "event.json"
    event.write_text(content, encoding="utf-8")
    assert main([*args, str(event)]) == code
    assert capsys.readouterr().err == f"Error: {event}: {message}\n"
    assert webhook.posts == []


def test_missing_file_and_missing_webhook_are_user_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No such file, or no webhook variable: one line, exit 2."""
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    assert main(["format-sns", "nope.json"]) == 2
    assert capsys.readouterr().err == "Error: nope.json: no such file\n"
    assert main(["post-sns", SEED]) == 2
    assert capsys.readouterr().err == (
        "Error: environment variable SLACK_WEBHOOK_URL is not set; nothing was posted\n"
    )


def test_unreachable_webhook_exits_1_without_the_url(
    dead_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A webhook nobody answers: exit 1, one line, the URL not shown."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", dead_url)
    assert main(["post-sns", SEED]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: webhook post failed: cannot connect (")
    assert err.count("\n") == 1
    assert "127.0.0.1" not in err and SECRET_PATH not in err


def test_rules_lists_the_alarms_of_a_scenarios_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """rules prints one line per configured alarm of the --scenarios file."""
    source = (Path(__file__).parents[2] / "scenarios.yaml").read_text(encoding="utf-8")
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(
        source.split("\nalarms:")[0] + "\nalarms:\n  rules:\n"
        "    - {name: MTT over target, metric: mtt_ms, comparison: GreaterThanOrEqualToThreshold,"
        " threshold: 500, evaluation_periods: 3}\n",
        encoding="utf-8",
    )
    assert main(["rules", "--scenarios", str(scenarios)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "webhook: $SLACK_WEBHOOK_URL  time zone: Asia/Seoul  language: ko",
        "[MTT over target] MTT >= 500 in 3 of 3 periods of 60 s (3 minutes), missing data: missing",
    ]


def test_every_command_has_help() -> None:
    """Each subcommand answers --help with its description."""
    for command in ("format-sns", "post-sns", "rules", "evaluate"):
        result = subprocess.run(
            [sys.executable, "-m", "stairload", "alarms", command, "--help"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert "usage: stairload alarms" in result.stdout


_NOT_HTTP = "must be an http:// or https:// URL"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("file:///etc/hostname", f"{_NOT_HTTP} (got scheme 'file')"),
        ("ftp://127.0.0.1/hook", f"{_NOT_HTTP} (got scheme 'ftp')"),
        ("hooks.slack.com/services/T0/B0/secret", f"{_NOT_HTTP} (no scheme)"),
        ("http://[::1/services/secret", "is not a valid URL"),
        ("http://127.0.0.1:notaport/services/secret", "is not a valid URL"),
        ("http:///services/secret", "must name a host"),
        ("http://127.0.0.1/a b", "must not contain spaces or control characters"),
    ],
)
def test_malformed_webhook_url_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    """post-sns with a webhook URL that is not http(s): one line without the URL, exit 2."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", url)
    assert main(["post-sns", SEED]) == 2
    out = capsys.readouterr()
    assert out.err == (
        f"Error: environment variable SLACK_WEBHOOK_URL: {problem}; nothing was posted\n"
    )
    assert out.out == ""


def test_a_file_url_is_never_opened(tmp_path: Path) -> None:
    """post_json refuses a file:// URL before opening it, even when the file exists."""
    target = tmp_path / "hook"
    target.write_text("{}", encoding="utf-8")
    with pytest.raises(PostError, match="not attempted"):
        post_json(target.as_uri(), {"text": "hi"}, 1.0)


_EVALUATE = [
    "evaluate",
    "--threshold=500",
    "--comparison=GreaterThanOrEqualToThreshold",
    "--evaluation-periods=3",
]


def test_evaluate_explains_each_datapoint(capsys: pytest.CaptureFixture[str]) -> None:
    """evaluate prints the rule, one judgement per datapoint, why, and the state last."""
    assert main([*_EVALUATE, "--datapoints=100,612,640.5,-,701.25"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "rule: >= 500 in 3 of 3, missing data: missing, current state: INSUFFICIENT_DATA",
        "1       100  not breaching, not evaluated (older than the 3 most recent real datapoints)",
        "2       612  breaching, evaluated",
        "3     640.5  breaching, evaluated",
        "4         -  missing, not needed (3 real datapoints in the range)",
        "5    701.25  breaching, evaluated",
        "why: 3 of 3 evaluated datapoints breaching, 3 needed for ALARM",
        "state: ALARM",
    ]


def test_evaluate_takes_a_leading_missing_datapoint_after_a_space(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--datapoints -,-,10`` (the issue's own form) reads as ``--datapoints=-,-,10``."""
    assert main([*_EVALUATE, "--datapoints", "-,-,700"]) == 0
    spaced = capsys.readouterr().out
    assert main([*_EVALUATE, "--datapoints=-,-,700"]) == 0
    assert spaced == capsys.readouterr().out
    assert spaced.splitlines()[1] == "1         -  missing, filled as missing (undecided)"


def test_evaluate_takes_negative_datapoints_after_a_space(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--datapoints -5,-3`` is two negative datapoints, not an unknown option."""
    argv = ["evaluate", "--threshold", "0", "--comparison", "LessThanThreshold"]
    assert main([*argv, "--evaluation-periods", "2", "--datapoints", "-5,-3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "state: ALARM"


_EVALUATE_HELP = " (see 'stairload alarms evaluate --help')"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--datapoints=1,x"],
            "--datapoints: datapoint 2 must be a finite number or '-' (got 'x')" + _EVALUATE_HELP,
        ),
        (
            ["--datapoints=1,inf"],
            "--datapoints: datapoint 2 must be a finite number or '-' (got 'inf')" + _EVALUATE_HELP,
        ),
        (
            ["--datapoints-to-alarm=4", "--datapoints=1"],
            "--datapoints-to-alarm: must be <= --evaluation-periods (3) (got 4)",
        ),
        (
            ["--datapoints-to-alarm=0", "--datapoints=1"],
            "--datapoints-to-alarm: must be between 1 and 10000 (got 0)" + _EVALUATE_HELP,
        ),
        (
            ["--state=BAD", "--datapoints=1"],
            "--state: invalid choice: 'BAD' (choose from 'OK', 'ALARM', 'INSUFFICIENT_DATA')"
            + _EVALUATE_HELP,
        ),
    ],
)
def test_evaluate_bad_arguments_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """A bad evaluate argument is one line 'Error: --OPTION: ...' and exit 2."""
    assert main([*_EVALUATE, *args]) == 2
    assert capsys.readouterr().err == f"Error: {message}\n"
