"""The same group on AWS, as a CloudFormation template built from scenarios.yaml.

Launch template (AMI and instance type are parameters), an Auto Scaling group with a
target-tracking policy on average CPU, min/max and newest-first termination, an ALB whose
target group checks the warm-up-gated health path, the CloudWatch alarms of the
``alarms:`` block, an SNS topic, and the project's own SNS-to-Slack Lambda
(``stairload.alarms.lambda_handler.handler``, packaged by ``make aws-lambda-zip``). The Slack
webhook URL is a NoEcho parameter: it is given at deploy time and never written in the template.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from stairload.alarms.config import AlarmRule, AlarmSettings, Metric
from stairload.scaleout.config import ScalingSettings

LAMBDA_HANDLER = "stairload.alarms.lambda_handler.handler"
LAMBDA_RUNTIME = "python3.12"
_ALB_DIMENSION = [
    {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]}}
]
_ASG_DIMENSION = [{"Name": "AutoScalingGroupName", "Value": {"Ref": "AutoScalingGroup"}}]


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _att(resource: str, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [resource, attribute]}


def _parameters() -> dict[str, Any]:
    return {
        "AmiId": {
            "Type": "AWS::EC2::Image::Id",
            "Description": "AMI whose boot starts the "
            "service with its health path gated, then runs the warm-up (see UserData)",
        },
        "InstanceType": {"Type": "String", "Default": "t3.small"},
        "VpcId": {"Type": "AWS::EC2::VPC::Id"},
        "SubnetIds": {
            "Type": "List<AWS::EC2::Subnet::Id>",
            "Description": "At least two subnets in different zones (for the ALB)",
        },
        "AppPort": {"Type": "Number", "Default": 8080, "MinValue": 1, "MaxValue": 65535},
        "WarmupCommand": {
            "Type": "String",
            "Default": "stairload warmup --host http://127.0.0.1:8080 --scenario scenario2 "
            "--requests 10000 --complete-path /warmup/complete",
            "Description": "Run at boot, before the health check may pass",
        },
        "LambdaCodeBucket": {
            "Type": "String",
            "Description": "S3 bucket of the zip built by 'make aws-lambda-zip'",
        },
        "LambdaCodeKey": {"Type": "String", "Default": "alarms-lambda.zip"},
        "SlackWebhookUrl": {
            "Type": "String",
            "NoEcho": True,
            "MinLength": 1,
            "Description": "Slack incoming webhook URL (never stored in the template)",
        },
    }


def _network() -> dict[str, Any]:
    return {
        "LoadBalancerSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "HTTP in to the load balancer",
                "VpcId": _ref("VpcId"),
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}
                ],
            },
        },
        "InstanceSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "The service port, from the load balancer only",
                "VpcId": _ref("VpcId"),
                "SecurityGroupIngress": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": _ref("AppPort"),
                        "ToPort": _ref("AppPort"),
                        "SourceSecurityGroupId": _ref("LoadBalancerSecurityGroup"),
                    }
                ],
            },
        },
        "LoadBalancer": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {
                "Type": "application",
                "Scheme": "internet-facing",
                "Subnets": _ref("SubnetIds"),
                "SecurityGroups": [_ref("LoadBalancerSecurityGroup")],
            },
        },
        "Listener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": _ref("LoadBalancer"),
                "Port": 80,
                "Protocol": "HTTP",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": _ref("TargetGroup")}],
            },
        },
    }


def _group(settings: ScalingSettings) -> dict[str, Any]:
    policy = settings.policy
    warmup_seconds = max(0, round(policy.instance_warmup_seconds))
    return {
        "TargetGroup": {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Properties": {
                "VpcId": _ref("VpcId"),
                "Port": _ref("AppPort"),
                "Protocol": "HTTP",
                "TargetType": "instance",
                # Answers 200 only after the warm-up called its completion path.
                "HealthCheckPath": settings.health_path,
                "HealthCheckIntervalSeconds": 10,
                "HealthyThresholdCount": 2,
                "UnhealthyThresholdCount": 2,
                "Matcher": {"HttpCode": "200"},
                "TargetGroupAttributes": [
                    {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}
                ],
            },
        },
        "LaunchTemplate": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {
                "LaunchTemplateData": {
                    "ImageId": _ref("AmiId"),
                    "InstanceType": _ref("InstanceType"),
                    "SecurityGroupIds": [_ref("InstanceSecurityGroup")],
                    "UserData": {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\n${WarmupCommand}\n"}},
                },
            },
        },
        "AutoScalingGroup": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "MinSize": str(policy.min_instances),
                "MaxSize": str(policy.max_instances),
                "DesiredCapacity": str(policy.min_instances),
                "LaunchTemplate": {
                    "LaunchTemplateId": _ref("LaunchTemplate"),
                    "Version": _att("LaunchTemplate", "LatestVersionNumber"),
                },
                "VPCZoneIdentifier": _ref("SubnetIds"),
                "TargetGroupARNs": [_ref("TargetGroup")],
                "HealthCheckType": "ELB",
                "HealthCheckGracePeriod": round(settings.health_check_grace_seconds),
                "DefaultInstanceWarmup": warmup_seconds,
                "TerminationPolicies": ["NewestInstance"],
                "MaxInstanceLifetime": settings.max_instance_lifetime_seconds,
            },
        },
        "CpuTargetTracking": {
            "Type": "AWS::AutoScaling::ScalingPolicy",
            "Properties": {
                "AutoScalingGroupName": _ref("AutoScalingGroup"),
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingConfiguration": {
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ASGAverageCPUUtilization"
                    },
                    "TargetValue": policy.target_cpu_percent,
                },
            },
        },
    }


def _notifications(alarms: AlarmSettings) -> dict[str, Any]:
    return {
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "SlackFunctionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                ],
            },
        },
        "SlackFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": LAMBDA_RUNTIME,
                "Handler": LAMBDA_HANDLER,
                "Role": _att("SlackFunctionRole", "Arn"),
                "Timeout": 30,
                "Code": {"S3Bucket": _ref("LambdaCodeBucket"), "S3Key": _ref("LambdaCodeKey")},
                "Environment": {
                    "Variables": {
                        "SLACK_WEBHOOK_URL": _ref("SlackWebhookUrl"),
                        "ALARM_LANGUAGE": alarms.language.value,
                        "ALARM_TIME_ZONE": alarms.time_zone,
                    }
                },
            },
        },
        "SlackSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": _ref("AlarmTopic"),
                "Protocol": "lambda",
                "Endpoint": _att("SlackFunction", "Arn"),
            },
        },
        "SlackInvokePermission": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": _ref("SlackFunction"),
                "Principal": "sns.amazonaws.com",
                "SourceArn": _ref("AlarmTopic"),
            },
        },
    }


def _alarm(rule: AlarmRule) -> dict[str, Any] | None:
    """A CloudWatch alarm for a rule, or None for a metric AWS has no counterpart of."""
    common: dict[str, Any] = {
        "AlarmName": rule.name,
        "AlarmDescription": rule.description or rule.name,
        "ComparisonOperator": rule.comparison.value,
        "EvaluationPeriods": rule.evaluation_periods,
        "DatapointsToAlarm": rule.datapoints_to_alarm,
        "TreatMissingData": rule.treat_missing_data.value,
        "AlarmActions": [_ref("AlarmTopic")],
        "OKActions": [_ref("AlarmTopic")],
    }
    period = max(60, 60 * math.ceil(rule.period_seconds / 60))
    elb = {"Namespace": "AWS/ApplicationELB", "Dimensions": _ALB_DIMENSION, "Period": period}
    if rule.metric is Metric.MTT_MS:
        return {
            **common,
            **elb,
            "MetricName": "TargetResponseTime",
            "Statistic": "Average",
            "Threshold": rule.threshold / 1000,
        }
    if rule.metric is Metric.P95_MS:
        return {
            **common,
            **elb,
            "MetricName": "TargetResponseTime",
            "ExtendedStatistic": "p95",
            "Threshold": rule.threshold / 1000,
        }
    if rule.metric is Metric.TPS:
        return {
            **common,
            **elb,
            "MetricName": "RequestCount",
            "Statistic": "Sum",
            "Threshold": rule.threshold * period,
        }
    if rule.metric is Metric.TARGET_CPU_PERCENT:
        return {
            **common,
            "Namespace": "AWS/EC2",
            "MetricName": "CPUUtilization",
            "Dimensions": _ASG_DIMENSION,
            "Period": period,
            "Statistic": "Average",
            "Threshold": rule.threshold,
        }
    if rule.metric is Metric.ERROR_RATE:

        def stat(name: str, metric: str) -> dict[str, Any]:
            return {
                "Id": name,
                "ReturnData": False,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ApplicationELB",
                        "MetricName": metric,
                        "Dimensions": _ALB_DIMENSION,
                    },
                    "Period": period,
                    "Stat": "Sum",
                },
            }

        return {
            **common,
            "Threshold": rule.threshold,
            "Metrics": [
                stat("errors", "HTTPCode_Target_5XX_Count"),
                stat("requests", "RequestCount"),
                {
                    "Id": "rate",
                    "Expression": "errors / requests",
                    "Label": "error rate",
                    "ReturnData": True,
                },
            ],
        }
    return None


def build_template(settings: ScalingSettings, alarms: AlarmSettings) -> dict[str, Any]:
    """The whole template as a mapping (dump it with ``render``)."""
    resources: dict[str, Any] = {**_network(), **_group(settings), **_notifications(alarms)}
    skipped = []
    for index, rule in enumerate(alarms.rules, start=1):
        alarm = _alarm(rule)
        if alarm is None:
            skipped.append(f"{rule.name} ({rule.metric.value}: no CloudWatch counterpart)")
        else:
            resources[f"Alarm{index}"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": alarm}
    policy = settings.policy
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            f"stairload scale-out: ALB + Auto Scaling group (min {policy.min_instances}, "
            f"max {policy.max_instances}, target CPU {policy.target_cpu_percent:g}%), "
            "CloudWatch alarms -> SNS -> Lambda -> Slack"
        ),
        "Metadata": {"stairload": {"skipped_alarms": skipped}},
        "Parameters": _parameters(),
        "Resources": resources,
        "Outputs": {
            "LoadBalancerUrl": {"Value": {"Fn::Sub": "http://${LoadBalancer.DNSName}"}},
            "AlarmTopicArn": {"Value": _ref("AlarmTopic")},
        },
    }


class _NoAliases(yaml.SafeDumper):
    """CloudFormation rejects YAML aliases: write a shared value out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(template: dict[str, Any]) -> str:
    """The template as YAML, in the order it was built."""
    return yaml.dump(template, Dumper=_NoAliases, sort_keys=False, width=100)
