"""Named random streams derived from the scenario seed.

Every mechanism draws from its own ``numpy.random.Generator``, spawned from one
``numpy.random.SeedSequence(seed)`` with a spawn key derived from the stream's *name* (not its
position), so adding a stream never shifts the others. Two scenarios run with the same seed see
the same prospects arriving at the same times with the same needs (common random numbers), as
long as the mechanisms upstream of a change draw in the same order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache

import numpy as np

__all__ = ["Streams", "SurveyStreams", "named_stream"]


@cache
def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def _words(value: int) -> list[int]:
    """``value`` as the little-endian 32-bit words ``SeedSequence`` reads an integer as."""
    words = [value & 0xFFFFFFFF]
    while value := value >> 32:
        words.append(value & 0xFFFFFFFF)
    return words


@cache
def _seed_words(seed: int, name: str) -> tuple[int, ...]:
    """The first words ``SeedSequence(seed, spawn_key=(hash(name), ...))`` assembles.

    SeedSequence pads the seed's words to its pool size (4) and appends the spawn key's.
    """
    words = _words(seed)
    return tuple(words + [0] * (4 - len(words)) + _words(_key(name)))


def named_stream(seed: int, name: str, *index: int) -> np.random.Generator:
    """Generator for stream ``name`` of ``seed``: SeedSequence(seed, spawn_key=(hash(name),)).

    ``index`` names a sub-stream of one entity (``spawn_key=(hash(name), *index)``). The
    sequence is built from the words SeedSequence would assemble from that key, which is the
    same generator at a third of the cost (one is made for every customer).
    """
    entropy = [*_seed_words(seed, name), *(w for part in index for w in _words(part))]
    sequence = np.random.SeedSequence(np.array(entropy, dtype=np.uint32))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass(frozen=True, slots=True)
class SurveyStreams:
    """One survey's two streams, so that its samples nest and its answers pair across designs.

    ``invitations`` draws one number for every candidate (a closed case, an active customer
    at a wave), invited or not, and a share ``s`` invites those drawn below ``s``: a smaller
    sample is part of a larger one. ``reactions`` draws every candidate's chance of answering,
    answer noise and acting draw, invited or not, so that a customer invited in two designs
    of a survey reacts the same in both (common random numbers: Law, *Simulation Modeling
    and Analysis*, 5th ed., section 11.2.1). Both hold while the two designs leave the same
    customers and cases to invite, that is while no finding is acted on: once the histories
    differ, the draws fall to other candidates.
    """

    invitations: np.random.Generator
    reactions: np.random.Generator


@dataclass(frozen=True, slots=True)
class Streams:
    """One generator per mechanism; see each field for what it drives."""

    arrivals: np.random.Generator  # prospect arrival times and prospect traits
    population: np.random.Generator  # traits of the initial customers
    demand: np.random.Generator  # which active customer orders, calls or meets an incident, when
    requirements: np.random.Generator  # noise at each translation stage
    handling: np.random.Generator  # service, build and rework durations
    problems: np.random.Generator  # severity and complexity of problems
    decisions: np.random.Generator  # outside enquirers: patience, handling; customers: customer()
    enquiries: np.random.Generator  # arrival times of enquiries from outside the customer base
    word_of_mouth: np.random.Generator  # the network, public complaints (a customer's own
    # stream decides whether and whom they tell, and whether they refer)
    staffing: np.random.Generator  # traits of the day-0 staff
    workforce: np.random.Generator  # whom a supervisor coaches; each post has its own stream
    # (later hires' traits, recognition, leaving, hiring delay): ServiceOrganisation._seat
    feedback: np.random.Generator  # which complaints are reported back to delivery
    checks: np.random.Generator  # final checks' catches; what a follow-up call reveals
    listening: np.random.Generator  # frontline questions' revealed needs; wrong fixes found out
    mesa: np.random.Generator  # the Mesa model's own generator (agent-set shuffles)
    seed: int

    @classmethod
    def from_seed(cls, seed: int) -> Streams:
        """Spawn every named stream from ``seed``."""
        return cls(
            seed=seed,
            **{f.name: named_stream(seed, f.name) for f in fields(cls) if f.name != "seed"},
        )

    def surveys(self, kinds: Sequence[str]) -> list[SurveyStreams]:
        """Streams of each survey in the scenario's list, given the surveys' kinds in order.

        A survey's streams are keyed by its kind and its number among the surveys of that kind,
        not by its place in the list, so that adding or dropping a survey of another kind
        leaves its draws as they were (common random numbers between survey programmes);
        dropping the first of two surveys of one kind gives the second the first one's streams.
        """
        numbers: Counter[str] = Counter()
        keyed = []
        for kind in kinds:
            keyed.append(
                SurveyStreams(
                    named_stream(self.seed, f"surveys.{kind}", numbers[kind]),
                    named_stream(self.seed, f"survey_reactions.{kind}", numbers[kind]),
                )
            )
            numbers[kind] += 1
        return keyed

    def customer(self, origin: int, number: int) -> np.random.Generator:
        """Decision stream of one customer: buy, complain, retry, switch, wait, solve, churn.

        Keyed by where the customer came from (``origin``: day-0, arriving or referred
        prospect) and their number there, so that customer *k* draws the same numbers in
        every scenario with the same seed, however the other customers' histories differ:
        the synchronisation that makes common random numbers work (Law, *Simulation Modeling
        and Analysis*, 5th ed., section 11.2.1).
        """
        return named_stream(self.seed, "decisions", origin, number)
