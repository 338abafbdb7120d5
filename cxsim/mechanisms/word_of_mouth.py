"""Word of mouth on a customer network, referrals, reputation and public complaints.

Customers know each other on a small-world network (Watts and Strogatz 1998), as in the
agent-based word-of-mouth model of Goldenberg, Libai, Moldovan and Muller (2007), where negative
word of mouth from unhappy and departing customers can cost more than positive word of mouth
earns. Here:

- *about an episode*: a customer who just had a bad episode (a problem noticed, a case badly
  ended, a bitter exit) tells ``negative_tell`` contacts with a chance that grows with how bad
  it was, ``telling_probability``: SQM Group finds that 74% of unresolved and very
  dissatisfied customers tell someone, on average 5 people; CEB 2010 that 81% of high-effort
  customers intend to speak ill of the company against 1% of low-effort ones; a trivial
  annoyance is seldom worth a story (the linear grading in between is an assumption). A
  delighted customer tells ``positive_tell`` contacts;
- *about the supplier*: most word of mouth is advice given in everyday conversation about
  the brand one uses (East, Hammond and Wright 2007, IJRM 24(2):175-184: in 15 studies
  positive word of mouth was more common than negative in every case, on average three times
  as common, and most of it concerned the speaker's main brand). A customer speaks of the
  supplier ``advice_per_year`` times a year: well of it unless a detractor;
- each story moves the listener's satisfaction and the organisation's reputation, which
  scales the chance that a prospect buys;
- promoters refer prospects, who buy more readily and join the network next to their referrer
  (referral programmes: Schmitt, Skiera and Van den Bulte 2011);
- a badly handled severe complaint goes public with a small probability (seed 001: "social
  media fallout if the unacceptable response is converted into a post or a reel") and, for a
  while, keeps a share of prospects from ever getting in touch.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from cxsim.units import DAYS_PER_YEAR

__all__ = [
    "small_world",
    "decay",
    "telling_count",
    "telling_probability",
    "period_probability",
]


def small_world(n: int, degree: int, rewiring: float, seed: int) -> list[list[int]]:
    """Neighbour lists of a Watts-Strogatz graph on ``n`` nodes (mean degree ``degree``)."""
    if n <= degree or degree < 2:
        graph = nx.complete_graph(n) if n <= degree else nx.empty_graph(n)
    else:
        graph = nx.watts_strogatz_graph(n, degree, rewiring, seed=seed)
    return [sorted(graph.neighbors(node)) for node in range(n)]


def decay(value: float, target: float, days: float, halflife_days: float) -> float:
    """Move ``value`` toward ``target``, halving the distance every ``halflife_days``."""
    return target + (value - target) * 0.5 ** (days / halflife_days)


def telling_count(
    experience: float,
    negative_below: float,
    positive_above: float,
    negative_tell: int,
    positive_tell: int,
) -> int:
    """How many contacts hear about an episode, if it is told: signed, negative for bad news."""
    if experience < negative_below:
        return -negative_tell
    return positive_tell if experience > positive_above else 0


def telling_probability(experience: float, negative_below: float, negative_share: float) -> float:
    """Chance that a bad episode is told: ``negative_share * (below - x) / below``.

    ``negative_share`` at the bottom of the scale (SQM Group: 74% of very dissatisfied customers
    tell someone), none at the bad-news line ``negative_below``, linear between (assumption).
    Good news (a delight) is always told.
    """
    if experience >= negative_below:
        return 1.0
    return negative_share * (negative_below - experience) / negative_below


def period_probability(rate_per_year: float, period_days: float) -> float:
    """Chance of at least one event of a Poisson rate within one period: ``1 - exp(-r T / 365)``.

    A promoter's referral, a conversation about the supplier.
    """
    return float(1.0 - np.exp(-rate_per_year * period_days / DAYS_PER_YEAR))
