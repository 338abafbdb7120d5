"""Requirement translation loss: from what the customer needs to what delivery builds.

A customer's true requirement is a vector of needs in [0, 1]. It passes five stages, each of
which can move it away from the truth (seed 000, "Common pitfalls in customer delivery"):

1. *expression*: the customer says it with error ``noise * (1 - clarity)``;
2. *interpretation*: the salesperson hears it with error ``noise * (1 - skill)`` and, the worse
   the listener, anchors toward the standard catalogue (anchoring bias, seed 003);
3. *verification* (optional): paraphrase-and-confirm corrects a share of the misunderstanding;
4. *handoff*: the written specification adds error ``noise * (1 - documentation_quality)``,
   smaller when the customer record is shared (data silos, seed 000);
5. *delivery*: the team defaults toward the standard product by its rigidity, more so in haste
   under backlog, and executes with error ``noise * (1 - skill)``.

The loss of a vector is its root-mean-square distance from the true need (0 = exact fit). The
loss *added* by a stage is the change in that distance, so the stage losses of an order add up
to its total loss, and a report can say where requirements are lost. Verification's added loss
is negative when it corrects errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

__all__ = [
    "STAGES",
    "STANDARD_PRODUCT",
    "StageLosses",
    "fit_loss",
    "express",
    "interpret",
    "verify",
    "hand_off",
    "build",
    "haste",
]

STAGES = ("expression", "interpretation", "verification", "handoff", "delivery")
STANDARD_PRODUCT = 0.5  # the standard catalogue sits in the middle of every need dimension


def fit_loss(vector: np.ndarray, need: np.ndarray) -> float:
    """Root-mean-square distance between ``vector`` and the true ``need`` (fit units, 0..1)."""
    return math.sqrt(float(np.square(vector - need).sum()) / need.size)


def _noisy(vector: np.ndarray, sd: float, rng: np.random.Generator) -> np.ndarray:
    """``vector`` plus normal error of ``sd``, clipped to the 0..1 scale of a need."""
    noisy = rng.normal(0.0, sd, vector.shape)
    noisy += vector
    return np.minimum(np.maximum(noisy, 0.0, out=noisy), 1.0, out=noisy)


def express(need: np.ndarray, clarity: float, noise: float, rng: np.random.Generator) -> np.ndarray:
    """What the customer says: the need plus error ``noise * (1 - clarity)`` per dimension."""
    return _noisy(need, noise * (1.0 - clarity), rng)


def interpret(
    expressed: np.ndarray,
    listening_skill: float,
    noise: float,
    anchoring: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """What the salesperson hears: noisy, and pulled toward the catalogue by poor listening.

    The pull is ``anchoring * (1 - listening_skill)``: active listening ("listen without bias",
    seed 000; "avoid anchoring", seed 003) removes it.
    """
    pull = anchoring * (1.0 - listening_skill)
    heard = _noisy(expressed, noise * (1.0 - listening_skill), rng)
    return (1.0 - pull) * heard + pull * STANDARD_PRODUCT


def verify(heard: np.ndarray, need: np.ndarray, catch_rate: float) -> np.ndarray:
    """Paraphrase and confirm: the customer corrects ``catch_rate`` of the misunderstanding."""
    return heard + catch_rate * (need - heard)


def hand_off(
    heard: np.ndarray,
    documentation_quality: float,
    noise: float,
    shared_record: bool,
    shared_record_gain: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """The specification delivery receives: error ``noise * (1 - quality)``, less if shared."""
    sd = noise * (1.0 - documentation_quality)
    if shared_record:
        sd *= 1.0 - shared_record_gain
    return _noisy(heard, sd, rng)


def haste(queued_orders: int, teams: int, backlog_per_team: float) -> float:
    """Work pressure from backlog: 0 when nothing waits, 1 at ``backlog_per_team`` per team.

    Oliva and Sterman (2001): under pressure, staff cut corners; capped at 2.
    """
    if teams <= 0:
        return 0.0
    return min(2.0, queued_orders / (teams * backlog_per_team))


def build(
    spec: np.ndarray,
    rigidity: float,
    execution_skill: float,
    noise: float,
    pressure: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """What the team builds: pulled toward the standard product and executed with error.

    Rigidity and execution error both grow by ``1 + pressure`` (haste or habit, seed 000).
    """
    pull = min(1.0, rigidity * (1.0 + pressure))
    defaulted = (1.0 - pull) * spec + pull * STANDARD_PRODUCT
    return _noisy(defaulted, noise * (1.0 - execution_skill) * (1.0 + pressure), rng)


@dataclass(frozen=True, slots=True)
class StageLosses:
    """Loss added at each stage of one order (fit units); they sum to ``total``."""

    expression: float
    interpretation: float
    verification: float
    handoff: float
    delivery: float

    @property
    def total(self) -> float:
        """Distance of what was delivered from the true need."""
        return (
            self.expression + self.interpretation + self.verification + self.handoff + self.delivery
        )

    @classmethod
    def from_trace(cls, need: np.ndarray, *stages: np.ndarray) -> StageLosses:
        """Losses from the vectors after each of the five stages, in order."""
        distances = [0.0] + [fit_loss(v, need) for v in stages]
        return cls(*(after - before for before, after in pairwise(distances)))
