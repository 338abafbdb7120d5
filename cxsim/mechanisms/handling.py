"""Handling times: how long a contact takes around its mean.

Brown, Gans, Mandelbaum, Sakov, Shen, Zeltyn and Zhao (2005, *Journal of the American
Statistical Association* 100(469), "Statistical analysis of a telephone call center") found
service times in a bank's call centre lognormal, not exponential: most calls are short and a
long tail of calls is much longer. A lognormal with mean m and coefficient of variation c has
``sigma**2 = ln(1 + c**2)`` and ``mu = ln m - sigma**2 / 2``. Exponential handling (c = 1, the
Erlang C and A assumption) is kept as the default, for the validation against queueing theory.

The mean itself depends on the contact and its handler (``handling_factor``): the kind of
contact, whether it repeats an earlier one about the same case, and the agent's skill. After the
call the agent may spend a fixed wrap-up time (after-call work) before taking the next one. A
chat agent serving several chats gives each less attention: Tezcan and Zhang (2014, *Operations
Research* 62(4), "Routing and staffing in customer service chat systems with impatient
customers") model a chat's service rate falling with the number its agent serves; here each
other chat in hand when a chat starts adds ``concurrency_slowdown`` of its time
(``concurrency_factor``).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

__all__ = [
    "DISTRIBUTIONS",
    "concurrency_factor",
    "handling_factor",
    "handling_time",
    "lognormal_parameters",
]

FASTEST = 0.2  # the quickest agent still takes a fifth of the usual time (a floor; assumption)

DISTRIBUTIONS = ("exponential", "lognormal")


@cache  # every contact asks for the same few (a call costs 1.3 us, a cache hit 0.1 us)
def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal with ``mean`` and coefficient of variation ``cv``."""
    variance = math.log1p(cv * cv)
    return math.log(mean) - variance / 2.0, math.sqrt(variance)


def handling_factor(kind: float, repeat: float, skill_speed: float, skill_above: float) -> float:
    """Mean handling time of a contact relative to a routine one by an agent of average skill.

    Complaints take longer than routine requests, a repeat contact longer than a first (the
    story told again), and a more skilled agent is quicker: each unit of skill above the mean
    saves ``skill_speed`` of the time (learning curves: agents get faster with experience).
    """
    return kind * repeat * max(FASTEST, 1.0 - skill_speed * skill_above)


def concurrency_factor(others: int, slowdown: float) -> float:
    """Handling time of a chat started with ``others`` chats in hand, relative to one alone."""
    return 1.0 + slowdown * others


def handling_time(rng: np.random.Generator, mean: float, distribution: str, cv: float) -> float:
    """One handling time with ``mean`` (any unit) drawn from ``distribution``."""
    if distribution == "exponential":
        return rng.exponential(mean)
    mu, sigma = lognormal_parameters(mean, cv)
    return rng.lognormal(mu, sigma)
