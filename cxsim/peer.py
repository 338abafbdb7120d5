"""The same queue in a peer simulator: a validation scenario mirrored in Ciw.

Ciw (Palmer, Knight, Harper and Hawa 2019, *Journal of Simulation* 13(4), "Ciw: an open-source
discrete event simulation library") is an independent, widely used queueing simulator with
server schedules, time-dependent arrivals and reneging. Where no formula exists (lognormal
handling, opening hours, rosters, a daily profile of demand), cxsim is checked against it: a
validation scenario of enquiries only (no customer base) is translated into a Ciw network in
hours and both are replicated; each measure must agree within the 95% interval of the
difference of their means.

The translation: arrivals are Poisson at ``arrival_rate_per_hour`` x the arrival profile while
the line is open, piece by piece over the week (``PoissonIntervals``); the servers follow the
phone's roster (``Schedule`` without pre-emption: a call in hand is finished, as in cxsim);
handling is exponential or lognormal with the scenario's mean and cv; patience is exponential.
Ciw is an optional dependency, installed with the test extras (``pip install 'cxsim[test]'``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cxsim.mechanisms.handling import lognormal_parameters
from cxsim.mechanisms.timetable import DAYS_PER_WEEK, Timetable
from cxsim.runner import run_replications
from cxsim.scenario import Scenario
from cxsim.specs import Timetables
from cxsim.statistics import Estimate, estimate, independent_half_width
from cxsim.units import HOURS_PER_DAY, SECONDS_PER_DAY

__all__ = ["PeerComparison", "ciw_measures", "compare_with_ciw", "PEER_QUANTITIES"]

PEER_QUANTITIES = {  # summary key in the contact_centre block -> label
    "wait_probability": "waiting probability",
    "mean_wait_minutes": "mean wait of all contacts, min",
    "service_level": "service level",
    "abandonment_rate": "abandonment",
    "occupancy": "occupancy over staffed time",
}
WEEK_HOURS = DAYS_PER_WEEK * HOURS_PER_DAY


@dataclass(frozen=True, slots=True)
class PeerComparison:
    """One measure of cxsim's replications beside Ciw's."""

    scenario: str
    quantity: str
    cxsim: Estimate
    ciw: Estimate
    half_width: float  # of the 95% interval of the difference of the means

    @property
    def difference(self) -> float:
        """The mean of cxsim's replications minus that of Ciw's."""
        return self.cxsim.mean - self.ciw.mean

    @property
    def passed(self) -> bool:
        """The interval of the difference holds 0."""
        return abs(self.difference) <= self.half_width


def _pieces(*timetables: Timetable) -> list[tuple[float, float]]:
    """(start, end) hours of the week at which none of ``timetables`` changes."""
    cuts = sorted({s * HOURS_PER_DAY for t in timetables for s in t.starts} | {WEEK_HOURS})
    return list(zip(cuts, cuts[1:], strict=False))


def _week_of(params: Scenario) -> tuple[Timetable, Timetable, Timetable]:
    if params.calendar.first_weekday != 0 or params.calendar.holidays:
        raise ValueError("the Ciw translation needs a run that starts on a Monday, no holidays")
    timetables = Timetables.from_scenario(params)
    return timetables.demand, timetables.opening["phone"], timetables.on_duty["phone"]


def _network(params: Scenario):  # noqa: ANN202 (a ciw.Network; ciw is optional)
    import ciw

    cc = params.contact_centre
    demand, opening, roster = _week_of(params)
    pieces = _pieces(demand, opening)
    rates = [
        cc.arrival_rate_per_hour * demand.value_at(a / 24) * opening.value_at(a / 24)
        for a, _ in pieces
    ]
    shifts = _pieces(roster)
    servers = ciw.Schedule(
        numbers_of_servers=[round(roster.value_at(a / 24)) for a, _ in shifts],
        shift_end_dates=[b for _, b in shifts],
        preemption=False,
    )
    mean = cc.aht_minutes / 60.0
    if cc.handling.distribution == "lognormal":
        mu, sigma = lognormal_parameters(mean, cc.handling.cv)
        service = ciw.dists.Lognormal(mean=mu, sd=sigma)
    else:
        service = ciw.dists.Exponential(rate=1.0 / mean)
    patience = cc.patience_minutes
    return ciw.create_network(
        arrival_distributions=[
            ciw.dists.PoissonIntervals(
                rates, [b for _, b in pieces], params.horizon.days * HOURS_PER_DAY
            )
        ],
        service_distributions=[service],
        number_of_servers=[servers],
        reneging_time_distributions=(
            None if patience is None else [ciw.dists.Exponential(rate=60.0 / patience)]
        ),
    )


def ciw_measures(params: Scenario, seed: int) -> dict[str, float]:
    """Ciw's run of ``params``'s phone queue: the measures of cxsim's contact_centre block."""
    import ciw

    ciw.seed(seed)
    simulation = ciw.Simulation(_network(params))
    end = params.horizon.days * HOURS_PER_DAY
    simulation.simulate_until_max_time(end)
    since = params.warmup.days * HOURS_PER_DAY
    records = [r for r in simulation.get_all_records() if r.arrival_date >= since]
    served = [r for r in records if r.record_type == "service"]
    target = params.contact_centre.service_level_seconds / SECONDS_PER_DAY * HOURS_PER_DAY
    _, _, roster = _week_of(params)
    staffed_hours = roster.integral(since / 24, end / 24) * HOURS_PER_DAY
    finished = len(records)
    return {
        "wait_probability": sum(r.waiting_time > 0 or r.record_type == "renege" for r in records)
        / finished,
        "mean_wait_minutes": 60.0 * float(np.mean([r.waiting_time for r in records])),
        "service_level": sum(r.waiting_time <= target for r in served) / finished,
        "abandonment_rate": (finished - len(served)) / finished,
        "occupancy": sum(r.service_time for r in served) / staffed_hours,
    }


def compare_with_ciw(
    params: Scenario, replications: int, jobs: int | None = None
) -> list[PeerComparison]:
    """Replicate ``params`` in cxsim and in Ciw; compare each measure of the phone queue."""
    ours = [s["contact_centre"] for s in run_replications(params, replications, jobs)]
    theirs = [ciw_measures(params, params.seed + i) for i in range(replications)]
    return [
        _compared(params.name, label, [o[key] for o in ours], [t[key] for t in theirs])
        for key, label in PEER_QUANTITIES.items()
    ]


def _compared(name: str, label: str, ours: Sequence[float], theirs: Sequence[float]):
    half = independent_half_width(ours, theirs)
    if not math.isfinite(half):
        half = 0.0
    return PeerComparison(name, label, estimate(ours), estimate(theirs), half)
