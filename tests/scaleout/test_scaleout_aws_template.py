"""stairload scaleout aws-template: a valid CloudFormation template from scenarios.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cfnlint.api import ManualArgs, lint

from stairload.cli.scaleout import main
from stairload.core.commandline import run_cli

REPO = Path(__file__).resolve().parents[2]
SCALING = """
scaling:
  target_cpu_percent: 65
  min_instances: 2
  max_instances: 5
  health_path: /ready
  instance_warmup_seconds: 120
"""


def _template(tmp_path: Path, scenarios: Path) -> str:
    output = tmp_path / "stack.yaml"
    assert (
        run_cli(main, ["aws-template", "--scenarios", str(scenarios), "--output", str(output)]) == 0
    )
    return output.read_text()


def _custom_scenarios(tmp_path: Path) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text((REPO / "scenarios.yaml").read_text() + SCALING)
    return path


def test_template_passes_cfn_lint(tmp_path: Path) -> None:
    """cfn-lint finds nothing in the template of the repository's scenarios.yaml."""
    text = _template(tmp_path, REPO / "scenarios.yaml")
    matches = lint(text, config=ManualArgs(regions=["ap-northeast-2"]))
    assert [str(match) for match in matches] == []


def test_template_holds_no_webhook_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook URL in the environment never reaches the template; its parameter is NoEcho."""
    secret = "https://hooks.slack.com/services/T000/B000/not-a-real-secret"
    monkeypatch.setenv("SLACK_WEBHOOK_URL", secret)
    text = _template(tmp_path, REPO / "scenarios.yaml")
    assert "hooks.slack.com" not in text and "not-a-real-secret" not in text
    parameter = yaml.safe_load(text)["Parameters"]["SlackWebhookUrl"]
    assert parameter["NoEcho"] is True and "Default" not in parameter


def test_group_follows_the_scaling_block(tmp_path: Path) -> None:
    """Target CPU, min/max, warm-up and the health path come from scaling:."""
    resources = yaml.safe_load(_template(tmp_path, _custom_scenarios(tmp_path)))["Resources"]
    group = resources["AutoScalingGroup"]["Properties"]
    tracking = resources["CpuTargetTracking"]["Properties"]["TargetTrackingConfiguration"]
    assert (group["MinSize"], group["MaxSize"], group["DefaultInstanceWarmup"]) == ("2", "5", 120)
    assert group["TerminationPolicies"] == ["NewestInstance"]
    assert tracking["TargetValue"] == 65
    assert resources["TargetGroup"]["Properties"]["HealthCheckPath"] == "/ready"


def test_lambda_is_the_projects_slack_handler(tmp_path: Path) -> None:
    """The SNS topic's subscriber is the project's lambda_handler.handler, URL from a parameter."""
    resources = yaml.safe_load(_template(tmp_path, REPO / "scenarios.yaml"))["Resources"]
    function = resources["SlackFunction"]["Properties"]
    assert function["Handler"] == "stairload.alarms.lambda_handler.handler"
    assert function["Environment"]["Variables"]["SLACK_WEBHOOK_URL"] == {"Ref": "SlackWebhookUrl"}
    assert resources["SlackSubscription"]["Properties"]["Protocol"] == "lambda"


def test_cpu_alarm_matches_the_story(tmp_path: Path) -> None:
    """The CPU rule becomes a CloudWatch alarm on the group's CPUUtilization, 3 of 3 periods."""
    resources = yaml.safe_load(_template(tmp_path, REPO / "scenarios.yaml"))["Resources"]
    cpu = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("MetricName") == "CPUUtilization"
    ]
    assert [(a["Threshold"], a["EvaluationPeriods"], a["DatapointsToAlarm"]) for a in cpu] == [
        (70, 3, 3)
    ]


def test_bad_scaling_block_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """max_instances below min_instances is a usage error naming the file and field."""
    path = tmp_path / "scenarios.yaml"
    path.write_text("scaling: {min_instances: 3, max_instances: 2}\n")
    assert run_cli(main, ["aws-template", "--scenarios", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"Error: {path}: scaling.max_instances: must be >= min_instances (3) (got 2)\n"
    )
