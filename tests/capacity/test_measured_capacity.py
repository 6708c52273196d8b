"""read_capacity: the USL fit and the instance count from the same plateaus."""

from __future__ import annotations

import dataclasses
import random

import pytest

from capacity.measured import Demand, Plateau, read_capacity
from capacity.usl import usl_tps

USERS = (1, 100, 400, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100)
DEMANDS = [Demand("average", 2400.0, 21.412, 1200), Demand("stress", 4200.0, 38.542, 2100)]


def _plateaus(sigma: float, kappa: float, lam: float, cpu_per_tps: float) -> list[Plateau]:
    """Noisy (1%) USL plateaus; CPU 2% idle + cpu_per_tps % per TPS; probes below 1,200."""
    rnd = random.Random(5)
    plateaus = []
    for users in USERS:
        tps = usl_tps(users, sigma, kappa, lam) * (1 + rnd.gauss(0, 0.01))
        mtt = users / tps * 1000
        plateaus.append(Plateau(users, tps, mtt, 2.0 + cpu_per_tps * tps, users < 1200))
    return plateaus


def test_a_trusted_ceiling_below_the_cpu_limit_sets_the_count() -> None:
    """A service that saturates at ~1,000 TPS on a cheap CPU is bounded by its USL ceiling."""
    reading = read_capacity(_plateaus(0.05, 1e-6, 20.0, 0.01), DEMANDS)
    assert reading.model.trustworthy, reading.model.reason
    binding = reading.instances.binding_limit
    assert binding is not None and binding.name in ("usl_peak", "mtt_target")
    stress = reading.instances.case("stress")
    assert stress is not None
    assert stress.instances == -(-4200 // int(reading.instances.per_instance_tps))


def test_an_untrusted_fit_does_not_bound_the_count() -> None:
    """With only the planned steps past the knee, the count rests on CPU alone."""
    planned = [p for p in _plateaus(0.05, 1e-6, 20.0, 0.01) if not p.probe][:5]
    reading = read_capacity(planned, DEMANDS)
    assert not reading.model.trustworthy
    assert [limit.name for limit in reading.instances.limits] == ["cpu"]


def test_plateaus_without_cpu_give_no_count_but_still_a_model() -> None:
    """No CPU data: the model is fitted, the instances say why there is no count."""
    plateaus = [
        Plateau(p.users, p.tps, p.mtt_ms, None, p.probe) for p in _plateaus(0.002, 4e-7, 50, 0.01)
    ]
    reading = read_capacity(plateaus, DEMANDS)
    assert reading.model.fitted and not reading.has_cpu
    assert reading.instances.cases == ()
    assert reading.instances.reason == "0 plateau(s) with CPU data (need 2)"


def test_unmeasured_steps_are_left_out() -> None:
    """A step with no TPS (not reached) is not a point of the fit."""
    plateaus = [*_plateaus(0.002, 4e-7, 50, 0.01), Plateau(2200, None, None)]
    reading = read_capacity(plateaus, DEMANDS)
    assert len(reading.model.points) == len(USERS)


def test_summary_has_model_and_instances() -> None:
    """to_summary() gives summary.json's model and instances objects."""
    content = read_capacity(_plateaus(0.002, 4e-7, 50, 0.01), DEMANDS).to_summary()
    assert set(content) == {"model", "instances"}
    assert content["instances"]["target_cpu_percent"] == pytest.approx(70.0)


def test_an_untrusted_fit_says_when_the_budget_was_full_from_the_smallest_plateau() -> None:
    """At a 0.5-core budget from 1 user on, the reason says no plateau is below the knee."""
    plateaus = [
        Plateau(users, tps, users / tps * 1000.0, 49.8)
        for users, tps in ((1, 1300.0), (100, 2800.0), (1200, 2700.0))
    ]
    reading = read_capacity(plateaus, [], budget_cores=0.5)
    assert not reading.model.trustworthy
    assert reading.model.reason == (
        "only 3 plateaus (need at least 6); the service was at its 0.5-core CPU budget from "
        "the smallest plateau (1 user, 49.8%): no plateau is below the knee"
    )
    assert read_capacity(plateaus, []).model.reason == "only 3 plateaus (need at least 6)"


def _with_intervals(plateaus: list[Plateau], share: float) -> list[Plateau]:
    """Each plateau's TPS known to +-share (95%), from 10 batches."""
    return [
        dataclasses.replace(
            p, tps_se=share * p.tps / 2.262, tps_degrees=9, tps_half_width=share * p.tps
        )
        for p in plateaus
    ]


def test_a_count_is_shown_with_its_range_over_the_intervals() -> None:
    """Plateaus known to +-5%: the model gets bootstrap intervals, the count 'n (a to b)'."""
    reading = read_capacity(_with_intervals(_plateaus(0.05, 1e-6, 20.0, 0.01), 0.05), DEMANDS)
    assert reading.intervals is not None, reading.intervals_reason
    peak = reading.intervals.peak_tps
    assert peak.low is not None and peak.high is not None
    assert peak.low <= reading.model.peak_tps <= peak.high  # type: ignore[operator]
    stress = reading.instances.case("stress")
    assert stress is not None and stress.instances_low is not None
    assert stress.instances_low <= stress.instances <= (stress.instances_high or 10**9)
    assert stress.text == f"{stress.instances} ({stress.instances_low} to {stress.instances_high})"
    assert reading.to_summary()["instances"]["stress"]["instances_range"] == [
        stress.instances_low,
        stress.instances_high,
    ]


def test_wider_intervals_give_a_wider_range_of_counts() -> None:
    """+-30% on every plateau's TPS spreads the count further than +-1%."""
    base = _plateaus(0.05, 1e-6, 20.0, 0.01)
    narrow = read_capacity(_with_intervals(base, 0.01), DEMANDS).instances.case("stress")
    wide = read_capacity(_with_intervals(base, 0.30), DEMANDS).instances.case("stress")
    assert narrow is not None and wide is not None
    assert (wide.instances_high or 10**9) - wide.instances_low >= (  # type: ignore[operator]
        (narrow.instances_high or 10**9) - narrow.instances_low  # type: ignore[operator]
    )
    assert wide.instances_high != wide.instances_low


def test_plateaus_without_intervals_give_no_model_intervals_and_say_why() -> None:
    """A plateau shorter than 10 s has no TPS interval: no bootstrap, and the reason."""
    reading = read_capacity(_plateaus(0.05, 1e-6, 20.0, 0.01), DEMANDS)
    assert reading.intervals is None
    assert reading.intervals_reason.startswith("the plateaus at 1, 100, 400")
    assert "at least 10 measured seconds" in reading.intervals_reason
