"""Reputation: what word of mouth and public complaints do to the organisation's name.

Every story told moves the reputation, which multiplies a prospect's chance of buying (1 is
neutral, bounded to 0..1.5); a badly handled severe complaint posted publicly keeps a share of
prospects away (``deterrence``; seed 001: "social media fallout if the unacceptable response
is converted into a post or a reel"). Both fade back with their half-lives. The formulas and
their sources are in ``cxsim.mechanisms.word_of_mouth`` (Goldenberg, Libai, Moldovan and
Muller 2007).
"""

from __future__ import annotations

from collections import Counter

from cxsim.mechanisms.word_of_mouth import decay
from cxsim.scenario import WordOfMouth

__all__ = ["Reputation"]


class Reputation:
    """The organisation's name among prospects, moved by stories and public complaints."""

    def __init__(self, word_of_mouth: WordOfMouth, counters: Counter[str]) -> None:
        self.params = word_of_mouth
        self.counters = counters
        self.level = 1.0  # multiplies a prospect's chance of buying; 1 is neutral
        self.deterrence = 0.0  # share of prospects kept away by recent public complaints

    def hear(self, stories: int) -> None:
        """Word of mouth moves the reputation (negative ``stories``: bad news)."""
        self.level = min(1.5, max(0.0, self.level + stories * self.params.reputation_per_telling))
        key = "negative_word_of_mouth" if stories < 0 else "positive_word_of_mouth"
        self.counters[key] += abs(stories)

    def go_public(self) -> None:
        """A badly handled complaint is posted publicly: prospects stay away for a while."""
        self.counters["public_complaints"] += 1
        self.deterrence = 1.0 - (1.0 - self.deterrence) * (1.0 - self.params.public_reach)

    def fade(self) -> None:
        """A day passes: reputation and deterrence drift back toward neutral."""
        wom = self.params
        self.level = decay(self.level, 1.0, 1.0, wom.reputation_halflife_days)
        self.deterrence = decay(self.deterrence, 0.0, 1.0, wom.public_halflife_days)
