"""The words of a Slack alarm message: Korean (as in the source story) or English."""

from __future__ import annotations

from stairload.alarms.config import Language, Metric

LABELS: dict[Language, dict[str, str]] = {
    Language.KO: {
        "when": "언제",
        "description": "설명",
        "cause": "원인",
        "old_state": "이전 상태",
        "new_state": "현재 상태",
        "link": "바로가기",
    },
    Language.EN: {
        "when": "When",
        "description": "Description",
        "cause": "Cause",
        "old_state": "Previous state",
        "new_state": "Current state",
        "link": "Link",
    },
}

STATE_WORDS: dict[Language, dict[str, str]] = {
    Language.KO: {"ALARM": "위험", "INSUFFICIENT_DATA": "데이터 부족", "OK": "정상"},
    Language.EN: {"ALARM": "Alarm", "INSUFFICIENT_DATA": "Insufficient data", "OK": "OK"},
}

STATE_COLORS = {"ALARM": "danger", "INSUFFICIENT_DATA": "warning", "OK": "good"}

_METRIC_LABELS: dict[Language, dict[Metric, str]] = {
    Language.KO: {
        Metric.MTT_MS: "MTT",
        Metric.P95_MS: "p95",
        Metric.TPS: "TPS",
        Metric.ERROR_RATE: "에러율",
        Metric.USERS: "사용자 수",
        Metric.TARGET_CPU_PERCENT: "대상 CPU(%)",
    },
    Language.EN: {
        Metric.MTT_MS: "MTT",
        Metric.P95_MS: "p95",
        Metric.TPS: "TPS",
        Metric.ERROR_RATE: "error rate",
        Metric.USERS: "users",
        Metric.TARGET_CPU_PERCENT: "target CPU %",
    },
}


def metric_label(language: Language, metric: Metric) -> str:
    """A rule metric as it reads in a cause: ``MTT``, ``error rate``, ``에러율``."""
    return _METRIC_LABELS[language][metric]


def number(value: float) -> str:
    """A threshold as a person writes it: ``500``, ``0.01``, ``7``."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def window(language: Language, seconds: float) -> str:
    """A time span: ``3 minutes``, ``1 minute``, ``15 seconds``; ``3분``, ``15초``."""
    whole = int(seconds)
    if whole % 60 == 0 and whole >= 60:
        minutes = whole // 60
        if language is Language.KO:
            return f"{minutes}분"
        return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
    if language is Language.KO:
        return f"{whole}초"
    return f"{whole} second" if whole == 1 else f"{whole} seconds"


def threshold_cause(
    language: Language,
    *,
    breaching: int,
    periods: int,
    period_seconds: float,
    metric: str,
    symbol: str,
    threshold: float,
) -> str:
    """``3 of 3 datapoints in 3 minutes: MTT >= 500``, or its Korean counterpart."""
    span = window(language, periods * period_seconds)
    if language is Language.KO:
        return (
            f"최근 {span} 동안 {periods}개 구간 중 {breaching}개 구간에서 "
            f"{metric} {symbol} {number(threshold)}"
        )
    return f"{breaching} of {periods} datapoints in {span}: {metric} {symbol} {number(threshold)}"


def band_cause(
    language: Language,
    *,
    breaching: int,
    periods: int,
    period_seconds: float,
    metric: str,
    width: str,
) -> str:
    """The cause of an anomaly-detection alarm: the metric left its expected band."""
    span = window(language, periods * period_seconds)
    if language is Language.KO:
        return (
            f"최근 {span} 동안 {periods}개 구간 중 {breaching}개 구간에서 "
            f"{metric} 값이 예상 범위(밴드 폭 {width})를 벗어남"
        )
    return (
        f"{breaching} of {periods} datapoints in {span}: {metric} outside "
        f"the anomaly detection band (width {width})"
    )
