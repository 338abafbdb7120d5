"""The customer population: who is active, who talks to whom, and where newcomers come from.

Customers are drawn by segment share with traits of their own around the segment's means
(lognormal spread in patience, tolerance and propensity to complain); the day-0 customers are
linked in a Watts-Strogatz small world (``mechanisms.word_of_mouth.small_world``) and a
newcomer joins next to their referrer and a few others. Each customer's own decision stream is
keyed by where they came from and their number there (``Streams.customer``), so customer *k*
is the same person in every scenario with the same seed (common random numbers).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from cxsim.agents.customer import ACTIVE, PROSPECT, Customer, Touchpoints, Traits
from cxsim.mechanisms.word_of_mouth import small_world
from cxsim.scenario import Customers, WordOfMouth
from cxsim.stations.contact_centre import CHANNELS
from cxsim.units import clip_share

if TYPE_CHECKING:
    import mesa

__all__ = ["Roster", "Population", "DAY_ZERO", "ARRIVING", "REFERRED"]

DAY_ZERO, ARRIVING, REFERRED = range(3)  # where a customer came from (keys their stream)


class Roster:
    """Active customers: O(1) add, remove and random pick, grouped in renewal cohorts."""

    def __init__(self, renewal_period_days: int) -> None:
        self.period = renewal_period_days
        self.members: list[Customer] = []
        self.monthly_value = 0.0  # fees of all active customers, per month
        self._index: dict[Customer, int] = {}
        # dicts, not sets: iteration in insertion order keeps runs reproducible
        self.cohorts: list[dict[Customer, None]] = [{} for _ in range(renewal_period_days)]

    def __len__(self) -> int:
        return len(self.members)

    def add(self, customer: Customer) -> None:
        """Activate ``customer``; their renewals fall on their join day modulo the period."""
        self._index[customer] = len(self.members)
        self.members.append(customer)
        self.monthly_value += customer.traits.value_per_month
        self.cohorts[int(customer.joined_day) % self.period][customer] = None

    def discard(self, customer: Customer) -> None:
        """Deactivate ``customer`` (swap-remove)."""
        i = self._index.pop(customer)
        self.monthly_value -= customer.traits.value_per_month
        last = self.members.pop()
        if last is not customer:
            self.members[i] = last
            self._index[last] = i
        del self.cohorts[int(customer.joined_day) % self.period][customer]

    def pick(self, rng: np.random.Generator) -> Customer:
        """A uniformly random active customer."""
        return self.members[int(rng.integers(len(self.members)))]

    def due(self, day: int) -> list[Customer]:
        """Customers whose renewal falls on ``day``."""
        return list(self.cohorts[day % self.period])


class Population:
    """Makes customers and keeps the active ones (``roster``) and their network."""

    def __init__(self, model: mesa.Model, customers: Customers, word_of_mouth: WordOfMouth) -> None:
        self.model = model  # Mesa registers every agent with its model
        self.params = customers
        self.word_of_mouth = word_of_mouth
        self.roster = Roster(customers.renewal_period_days)
        self.touchpoints: Touchpoints | None = None  # set by the model once every part exists
        self._origins = [0, 0, 0]  # customers created so far, per origin
        self._segment_cdf = _cdf([s.share for s in customers.segments])
        self._channel_cdf = {
            s.name: _cdf([getattr(s.channel_mix, c) for c in CHANNELS]) for s in customers.segments
        }

    def new_customer(
        self,
        rng: np.random.Generator,
        satisfaction: float,
        status: str,
        origin: int,
        joined_day: float | None = None,
    ) -> Customer:
        """A customer of a segment drawn by share, with traits of their own around its means.

        ``origin`` (day-0, arriving or referred) and the count of customers from there so far
        key the customer's own decision stream.
        """
        c = self.params
        number = self._origins[origin]
        self._origins[origin] += 1
        segment = c.segments[bisect_right(self._segment_cdf, rng.random())]
        traits = rng.lognormal(0.0, c.trait_spread, 3)
        need = rng.random(c.need_dimensions)
        clarity = clip_share(float(rng.normal(segment.clarity_mean, c.clarity_sd)))
        channel = CHANNELS[bisect_right(self._channel_cdf[segment.name], rng.random())]
        return Customer(
            self.model,
            self.touchpoints,
            need,
            clarity,
            satisfaction,
            status,
            joined_day,
            Traits(
                segment=segment.name,
                value_per_month=segment.value_per_month,
                patience_factor=segment.patience_factor * float(traits[0]),
                tolerance=min(1.0, segment.tolerance * float(traits[1])),
                complaint_propensity=segment.complaint_propensity * float(traits[2]),
                channel=channel,
            ),
            (origin, number),
        )

    def prospect(self, rng: np.random.Generator, origin: int) -> Customer:
        """A new prospect (arriving or referred), as satisfied as a new customer starts."""
        return self.new_customer(rng, self.params.initial_satisfaction, PROSPECT, origin)

    def populate(self, rng: np.random.Generator, network_rng: np.random.Generator) -> None:
        """The day-0 customers, renewing on spread-out days, linked in a small world."""
        c = self.params
        mean = c.initial_satisfaction
        for _ in range(c.initial):
            # Beta with mean ``mean`` and concentration 20: most customers near it, some unhappy.
            satisfaction = float(rng.beta(20 * mean, 20 * (1 - mean))) if 0 < mean < 1 else mean
            self.new_customer(
                rng,
                satisfaction,
                ACTIVE,
                DAY_ZERO,
                joined_day=float(rng.integers(c.renewal_period_days)),
            )
        self._connect(list(self.roster.members), network_rng)

    def _connect(self, customers: list[Customer], rng: np.random.Generator) -> None:
        """Link the day-0 customers in a small-world network (who talks to whom)."""
        wom = self.word_of_mouth
        seed = int(rng.integers(2**31))
        for customer, neighbours in zip(
            customers,
            small_world(len(customers), wom.network_degree, wom.rewiring, seed),
            strict=True,
        ):
            customer.contacts = [customers[i] for i in neighbours]

    def link_newcomer(self, customer: Customer, rng: np.random.Generator) -> None:
        """A new customer joins the network: next to their referrer and a few others."""
        roster, wanted = self.roster, self.word_of_mouth.network_degree // 2
        peers = [] if customer.referrer is None else [customer.referrer]
        if len(roster) > 1 and wanted:
            picks = rng.choice(len(roster), size=min(wanted, len(roster)), replace=False)
            peers += [roster.members[int(i)] for i in picks]
        for peer in dict.fromkeys(peers):
            if peer is not customer:
                customer.contacts.append(peer)
                peer.contacts.append(customer)


def _cdf(weights: list[float]) -> list[float]:
    """Cumulative shares of ``weights``; ``bisect_right(cdf, u)`` picks an index by weight.

    Computed as ``Generator.choice(p=...)`` does, so a pick from one uniform draw is the one
    ``choice`` would make (at a tenth of its cost).
    """
    shares = np.asarray(weights, dtype=float)
    cdf = (shares / shares.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf.tolist()
