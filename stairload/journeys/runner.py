"""The one step runner: walks a compiled journey through any HTTP client, judging each answer.

A client sends one request and records it in its own statistics; the runner fills the
templates, and the client asks the runner's judge whether the answer is right (status,
JMESPath checks on the JSON body, captures) before recording it as a success or a
failure with the judge's reason. A failed step ends the pass; the next pass starts again
at the first step with only the user's own variables (``vu``, the data row, ``vars``).
A request that cannot be built (a missing variable, a header value with a line break) is
not sent: the client records it as a journey fault (``stairload.core.faults``).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from jmespath.exceptions import JMESPathError

from stairload.journeys.journey import Journey, Step, jmespath_options
from stairload.journeys.template import MissingVariable, Template

# The judge of one answer: (status, body bytes, transport error) -> failure reason or None.
Judge = Callable[[int, "bytes | None", "str | None"], "str | None"]


class Client(Protocol):
    """What the runner needs from an HTTP client (Locust's, or a plain blocking one)."""

    def send(
        self,
        method: str,
        path: str,
        *,
        name: str,
        headers: dict[str, str],
        body: Any,
        judge: Judge,
    ) -> str | None:
        """Send ``body`` as JSON (None: no body); record the answer as ``judge`` says.

        Returns the failure reason (None on success). ``status`` is 0 and ``error`` says
        why when no answer came.
        """
        ...

    def record_failure(self, method: str, name: str, reason: str) -> None:
        """Record a step that failed before its request could be sent."""
        ...


@dataclass(frozen=True)
class StepFailure:
    """Which step failed and why; ``str()`` names the request once."""

    step: Step
    reason: str

    def __str__(self) -> str:
        return f"{self.step.label}: {self.reason}"


class JourneyRunner:
    """One virtual user's walk through a journey, pass after pass."""

    def __init__(
        self,
        journey: Journey,
        client: Client,
        *,
        vu: int,
        row: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
        between_steps: Callable[[], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.journey = journey
        self._client = client
        self._rng = rng or random.Random()
        self._between_steps = between_steps
        self._sleep = sleep
        self.iteration = 0
        self.values: dict[str, Any] = {}
        self._search = jmespath_options(self.values)
        self._step: Step | None = None  # the step whose answer the judge is looking at
        base: dict[str, Any] = {"vu": vu, **(row or {})}
        for name, template in journey.variables:
            if overrides and name in overrides:
                base[name] = overrides[name]
            else:
                base[name] = template.value(base, self._rng)
        self._base = base
        self._plans = _step_plans(journey, base, self._rng)

    def run(self) -> StepFailure | None:
        """One pass from the first step; the failed step and its reason, or None."""
        self.iteration += 1
        values = self.values
        values.clear()
        values.update(self._base)
        values["iteration"] = self.iteration
        between = self._between_steps
        for step in self.journey.steps:
            if between is not None and step.index:
                between()
            reason = self._run_step(step)
            if reason is not None:
                return StepFailure(step, reason)
            if step.think_seconds:
                self._sleep(step.think_seconds)
        return None

    def _run_step(self, step: Step) -> str | None:
        values, rng = self.values, self._rng
        plan = self._plans[step.index]
        try:
            path = plan.path if plan.path is not None else step.path.render(values, rng)
            if step.query:
                query = {key: template.render(values, rng) for key, template in step.query}
                path = f"{path}{'&' if '?' in path else '?'}{urlencode(query)}"
            headers = dict(plan.fixed_headers)
            if plan.headers:
                rendered = {header: text.render(values, rng) for header, text in plan.headers}
                _check_header_values(rendered)
                headers.update(rendered)
            body = step.body(values, rng) if step.body is not None else None
        except (MissingVariable, ValueError) as error:
            reason = f"not sent: {error}"
            self._client.record_failure(step.method, step.name, reason)
            return reason
        self._step = step
        return self._client.send(
            step.method, path, name=step.name, headers=headers, body=body, judge=self._judge
        )

    def _judge(self, status: int, content: bytes | None, error: str | None) -> str | None:
        step = self._step
        assert step is not None, "the judge runs only during a step"
        if error is not None:
            return error
        statuses = step.statuses
        if statuses is None:
            if not 200 <= status < 300:
                return f"expected a 2xx status, got {status}{_detail(content)}"
        elif status not in statuses:
            wanted = " or ".join(str(code) for code in sorted(statuses))
            return f"expected status {wanted}, got {status}{_detail(content)}"
        if not step.needs_json:
            return None
        if not content:
            return "body is empty, expected JSON"
        try:
            payload = json.loads(content)
        except ValueError:
            return "body is not JSON"
        search, values = self._search, self.values
        for check in step.checks:
            try:
                passed = _truthy(check.search(payload, values, search))
            except (JMESPathError, TypeError) as error:
                return f"check {check.source!r} cannot be evaluated: {error}"
            if not passed:
                return f"check failed: {check.source}"
        for capture in step.captures:
            try:
                found = capture.search(payload, values, search)
            except (JMESPathError, TypeError) as error:
                return (
                    f"capture {capture.variable}: {capture.source!r} cannot be evaluated: {error}"
                )
            if isinstance(found, list):
                if not found:
                    found = None
                elif capture.pick == "random":
                    found = self._rng.choice(found)
                else:
                    found = found[0]
            if found is None:
                return f"capture {capture.variable}: '{capture.source}' found nothing"
            values[capture.variable] = found
        return None


@dataclass(frozen=True)
class _StepPlan:
    """What one virtual user sends in one step, with the parts that never change filled in.

    The scenario's headers a step sends are known before the run: those whose variables
    the user has from the start or captured in an earlier step (a pass ends at its first
    failed step, so every earlier capture is there). A pure template (no function call, no
    uuid) of the user's own variables that no step captures renders the same text on every
    pass: it is rendered (and its header value checked) once, here.
    """

    path: str | None  # the fixed path, or None: render step.path each time
    fixed_headers: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, Template], ...]  # rendered and checked each time, in order


# Plans with nothing fixed depend only on the journey and the names a user starts with, so
# the users of a process share them (scenario 2, 2,000 runners: 2.4 KB each -> 0.6 KB).
_SHARED_PLANS: dict[tuple[int, frozenset[str]], tuple[Journey, tuple[_StepPlan, ...]]] = {}


def _step_plans(
    journey: Journey, base: Mapping[str, Any], rng: random.Random
) -> tuple[_StepPlan, ...]:
    key = (id(journey), frozenset(base))
    shared = _SHARED_PLANS.get(key)
    if shared is not None and shared[0] is journey:
        return shared[1]
    plans, personal = _own_step_plans(journey, base, rng)
    if not personal:
        _SHARED_PLANS[key] = (journey, plans)
    return plans


def _own_step_plans(
    journey: Journey, base: Mapping[str, Any], rng: random.Random
) -> tuple[tuple[_StepPlan, ...], bool]:
    """The plans, and whether a fixed text came from this user's own values."""
    captured = {capture.variable for step in journey.steps for capture in step.captures}
    stable = base.keys() - captured
    known = set(base) | {"iteration"}
    plans = []
    personal = False
    for step in journey.steps:
        sent = [
            (header, template)
            for header, template in journey.headers
            if template.variables - {"uuid"} <= known
        ]
        sent += list(step.headers)
        # a step header replaces the scenario's header of the same name
        order = {header: template for header, template in sent}
        fixed: list[tuple[str, str]] = []
        dynamic: list[tuple[str, Template]] = []
        for header, template in order.items():
            text = _fixed_text(template, base, stable, rng, header)
            if text is None:
                dynamic.append((header, template))
            else:
                fixed.append((header, text))
                personal = personal or bool(template.variables)
        path = _fixed_text(step.path, base, stable, rng)
        personal = personal or (path is not None and bool(step.path.variables))
        plans.append(_StepPlan(path, tuple(fixed), tuple(dynamic)))
        known |= {capture.variable for capture in step.captures}
    return tuple(plans), personal


def _fixed_text(
    template: Template,
    base: Mapping[str, Any],
    stable: Set[str],
    rng: random.Random,
    header: str | None = None,
) -> str | None:
    """The text ``template`` renders on every pass, or None when it may differ (or fail)."""
    if not template.pure or not template.variables <= stable:
        return None
    try:
        text = template.render(base, rng)
        if header is not None:
            _check_header_values({header: text})
    except (MissingVariable, ValueError):
        return None  # fails on every pass: the step records why, each time
    return text


_FORBIDDEN_IN_HEADERS = ("\r", "\n", "\x00")


def _check_header_values(headers: Mapping[str, Any]) -> None:
    """ValueError naming the header whose value (a capture, at run time) has CR, LF or NUL."""
    for header, value in headers.items():
        text = value if isinstance(value, str) else str(value)
        if any(character in text for character in _FORBIDDEN_IN_HEADERS):
            raise ValueError(
                f"header '{header}': its value has a line break or NUL (CR, LF or \\0), "
                f"which HTTP does not allow (got {text[:40]!r})"
            )


def _truthy(value: Any) -> bool:
    """JMESPath truth: false, null, "", [] and {} are false; 0 is true."""
    if value is None or value is False:
        return False
    if isinstance(value, str | list | dict):
        return bool(value)
    return True


def _detail(content: bytes | None) -> str:
    """The service's own error message, when its body has one: `` (bad credentials)``."""
    if not content or len(content) > 4096:
        return ""
    try:
        payload = json.loads(content)
    except ValueError:
        return ""
    if isinstance(payload, dict):
        for key in ("error", "message", "detail"):
            if isinstance(payload.get(key), str):
                return f" ({payload[key]})"
    return ""
