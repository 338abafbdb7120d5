"""Word of mouth on a customer network, referrals, reputation and public complaints.

Customers know each other on a small-world network (Watts and Strogatz 1998), as in the
agent-based word-of-mouth model of Goldenberg, Libai, Moldovan and Muller (2007), where negative
word of mouth from unhappy and departing customers can cost more than positive word of mouth
earns. Here:

- a customer who just had a bad episode tells ``negative_tell`` contacts, one who was
  delighted tells ``positive_tell`` (dissatisfied customers tell more people: the ratio varies
  by study, so it is a parameter); each telling moves the listener's satisfaction and the
  organisation's reputation, which scales the chance that a prospect buys;
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

__all__ = ["small_world", "decay", "telling_count", "referral_probability"]


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
    """How many contacts hear about an episode: signed, negative for bad news."""
    if experience < negative_below:
        return -negative_tell
    return positive_tell if experience > positive_above else 0


def referral_probability(rate_per_year: float, period_days: float) -> float:
    """Chance that a promoter refers a prospect within one period: ``1 - exp(-r T / 365)``."""
    return float(1.0 - np.exp(-rate_per_year * period_days / DAYS_PER_YEAR))
