"""Named random streams derived from the scenario seed.

Every mechanism draws from its own ``numpy.random.Generator``, spawned from one
``numpy.random.SeedSequence(seed)`` with a spawn key derived from the stream's *name* (not its
position), so adding a stream never shifts the others. Two scenarios run with the same seed see
the same prospects arriving at the same times with the same needs (common random numbers), as
long as the mechanisms upstream of a change draw in the same order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import numpy as np

__all__ = ["Streams", "named_stream"]


def named_stream(seed: int, name: str) -> np.random.Generator:
    """Generator for stream ``name`` of ``seed``: SeedSequence(seed, spawn_key=(hash(name),))."""
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


@dataclass(frozen=True, slots=True)
class Streams:
    """One generator per mechanism; see each field for what it drives."""

    arrivals: np.random.Generator  # prospect arrival times and prospect traits
    population: np.random.Generator  # traits of the initial customers
    staffing: np.random.Generator  # traits of salespeople, teams, agents, supervisors
    demand: np.random.Generator  # which active customer orders, calls or meets an incident, when
    requirements: np.random.Generator  # noise at each translation stage
    handling: np.random.Generator  # service, build and rework durations
    problems: np.random.Generator  # severity and complexity of problems
    decisions: np.random.Generator  # customers' choices: buy, complain, retry, churn, patience
    enquiries: np.random.Generator  # arrival times of enquiries from outside the customer base
    word_of_mouth: np.random.Generator  # network, who is told, referrals, public complaints
    workforce: np.random.Generator  # who leaves, hiring delays, who is recognised
    feedback: np.random.Generator  # which complaints are reported back to delivery
    resolution: np.random.Generator  # whether an agent or supervisor solves a case
    mesa: np.random.Generator  # the Mesa model's own generator (agent-set shuffles)

    @classmethod
    def from_seed(cls, seed: int) -> Streams:
        """Spawn every named stream from ``seed``."""
        return cls(**{f.name: named_stream(seed, f.name) for f in fields(cls)})
