"""Queueing-theory reference values for validating the contact-centre simulation.

Pure functions for the Erlang B (M/M/c/c), Erlang C (M/M/c) and Erlang A (M/M/c+M,
Palm's queue with exponential patience) models, plus Little's law.  Times are in any
single unit (seconds, minutes, ...) used consistently; rates are per that unit.
All waiting-time measures are taken over *all* arrivals (PASTA), as in Gans, Koole &
Mandelbaum (2003).
"""

import math
import operator
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_b",
    "erlang_c_asa",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "littles_law_queue_length",
    "occupancy",
    "offered_load",
]

_LOG_EPS = math.log(1e-17)  # truncation level of the Erlang A state space (relative)
_MAX_STATES = 10_000_000  # refuse state spaces that would not fit in memory


def _real(name: str, value: float, *, positive: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and (strictly) non-negative."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'positive' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _servers(servers: int, minimum: int = 0) -> int:
    """Return ``servers`` as an int after checking it is an integer >= ``minimum``."""
    try:
        count = operator.index(servers)
    except TypeError:
        raise ValueError(f"servers must be an integer, got {servers!r}") from None
    if isinstance(servers, bool) or count < minimum:
        raise ValueError(f"servers must be an integer >= {minimum}, got {servers!r}")
    return count


def offered_load(arrival_rate: float, mean_service_time: float) -> float:
    r"""Offered load in Erlangs.

    .. math:: a = \lambda \, S

    Parameters
    ----------
    arrival_rate : float
        Arrival rate :math:`\lambda` (contacts per time unit), >= 0.
    mean_service_time : float
        Mean handling time :math:`S`, >= 0.

    Returns
    -------
    float
        Offered load :math:`a` (Erlangs).

    References
    ----------
    Gross, Shortle, Thompson & Harris, *Fundamentals of Queueing Theory*, 4th ed.
    (Wiley, 2008), section 2.2.

    """
    return _real("arrival_rate", arrival_rate) * _real("mean_service_time", mean_service_time)


def erlang_b(servers: int, load: float) -> float:
    r"""Blocking probability of the M/M/c/c loss system (Erlang B).

    Uses the numerically stable recursion, valid for thousands of servers:

    .. math:: B(0) = 1, \qquad B(k) = \frac{a\,B(k-1)}{k + a\,B(k-1)}.

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 0.
    load : float
        Offered load :math:`a` in Erlangs, >= 0.

    Returns
    -------
    float
        :math:`B(c, a) \in [0, 1]`.

    References
    ----------
    Jagerman, "Some properties of the Erlang loss function", *Bell System Technical
    Journal* 53(3):525-551, 1974.

    """
    count, a = _servers(servers), _real("load", load)
    blocking = 1.0
    for k in range(1, count + 1):
        blocking = a * blocking / (k + a * blocking)
    return blocking


def erlang_c_wait_probability(servers: int, load: float) -> float:
    r"""Probability that an arrival waits in the M/M/c queue (Erlang C).

    .. math:: C(c, a) = \frac{B(c, a)}{1 - \frac{a}{c}\,(1 - B(c, a))}, \qquad a < c,

    and :math:`C = 1` for an unstable system (:math:`a \ge c`).

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 0.
    load : float
        Offered load :math:`a` in Erlangs, >= 0.

    Returns
    -------
    float
        :math:`C(c, a) \in [0, 1]`.

    References
    ----------
    Gross et al., *Fundamentals of Queueing Theory*, 4th ed. (2008), section 2.3;
    Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review, and research
    prospects", *MSOM* 5(2):79-141, 2003.

    """
    count, a = _servers(servers), _real("load", load)
    if a >= count:
        return 1.0
    blocking = erlang_b(count, a)
    return blocking / (1.0 - a / count * (1.0 - blocking))


def erlang_c_asa(servers: int, load: float, mean_service_time: float) -> float:
    r"""Average speed of answer (mean wait of all arrivals) in the M/M/c queue.

    .. math:: \mathrm{ASA} = C(c, a)\,\frac{S}{c - a}, \qquad a < c,

    and :math:`\infty` (``math.inf``) for an unstable system.

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 0.
    load : float
        Offered load :math:`a` in Erlangs, >= 0.
    mean_service_time : float
        Mean handling time :math:`S`, > 0.

    Returns
    -------
    float
        Mean waiting time in the time unit of ``mean_service_time``.

    References
    ----------
    Gross et al., *Fundamentals of Queueing Theory*, 4th ed. (2008), section 2.3.

    """
    service = _real("mean_service_time", mean_service_time, positive=True)
    wait = erlang_c_wait_probability(servers, load)
    return math.inf if load >= servers else wait * service / (servers - load)


def erlang_c_service_level(
    servers: int, load: float, mean_service_time: float, threshold: float
) -> float:
    r"""Fraction of arrivals answered within ``threshold`` in the M/M/c queue.

    .. math:: \mathrm{SL}(t) = 1 - C(c, a)\, e^{-(c - a)\, t / S}, \qquad a < c,

    and 0 for an unstable system.

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 0.
    load : float
        Offered load :math:`a` in Erlangs, >= 0.
    mean_service_time : float
        Mean handling time :math:`S`, > 0.
    threshold : float
        Acceptable waiting time :math:`t`, >= 0, same unit as ``mean_service_time``.

    Returns
    -------
    float
        :math:`P(W \le t) \in [0, 1]`.

    References
    ----------
    Gross et al., *Fundamentals of Queueing Theory*, 4th ed. (2008), section 2.3.

    """
    service = _real("mean_service_time", mean_service_time, positive=True)
    t = _real("threshold", threshold)
    wait = erlang_c_wait_probability(servers, load)
    return 0.0 if load >= servers else 1.0 - wait * math.exp(-(servers - load) * t / service)


def occupancy(servers: int, load: float) -> float:
    r"""Agent occupancy (fraction of time an agent is busy) of the M/M/c queue.

    .. math:: \rho = \min(a / c,\ 1),

    capped at 1 because in an unstable system (:math:`a \ge c`) all agents are busy.

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 1.
    load : float
        Offered load :math:`a` in Erlangs, >= 0.

    Returns
    -------
    float
        Occupancy in [0, 1].

    References
    ----------
    Gans, Koole & Mandelbaum, *MSOM* 5(2):79-141, 2003, section 4.1.

    """
    return min(_real("load", load) / _servers(servers, minimum=1), 1.0)


@dataclass(frozen=True)
class ErlangAResult:
    r"""Steady-state Erlang A (M/M/c+M) measures, all taken over all arrivals.

    Attributes
    ----------
    wait_probability : float
        P(an arrival finds all agents busy and has to wait).
    abandonment_probability : float
        P(an arrival abandons before service).
    asa : float
        Mean time spent waiting (served and abandoning arrivals; 0 for no wait).
    service_level : float or None
        P(answered with wait <= threshold); ``None`` when no threshold was given.
    occupancy : float
        Carried load per agent, :math:`\lambda (1 - P_{ab}) S / c = E[\min(N, c)] / c`.

    """

    wait_probability: float
    abandonment_probability: float
    asa: float
    service_level: float | None
    occupancy: float


def _queue_log_ratios(servers: int, arrival_rate: float, mu: float, gamma: float) -> np.ndarray:
    """Return ``log(pi_{c+k} / pi_c)`` for k = 0..K, truncated where the rest is negligible.

    The truncation K guarantees that the tail mass and its first moment, bounded by
    ``q_K (K + 1) / (1 - r)^2`` with ``r = lambda / (c mu + (K + 1) gamma) < 1``, are below
    1e-17 of the largest term.  The search starts past the mode, where the ratio
    ``lambda / (c mu + k gamma)`` drops below 1, by a margin of ``10 sqrt(lambda / gamma)`` (the
    spread of the queue length near the mode), and doubles the margin until the bound holds.
    """
    mode = math.ceil(max(arrival_rate - servers * mu, 0.0) / gamma)
    margin = 64 + math.ceil(10 * math.sqrt(arrival_rate / gamma))
    while (size := mode + margin) <= _MAX_STATES:
        steps = math.log(arrival_rate) - np.log(servers * mu + gamma * np.arange(1, size + 1))
        log_q = np.concatenate(([0.0], np.cumsum(steps)))
        ratio = arrival_rate / (servers * mu + (size + 1) * gamma)
        if ratio < 1:
            tail = log_q[-1] + math.log(size + 1) - 2 * math.log1p(-ratio)
            if tail < log_q.max() + _LOG_EPS:
                return log_q
        margin *= 2
    raise ValueError("Erlang A state space too large: patience is too long; use Erlang C")


def _answered_within(servers_rate: float, gamma: float, threshold: float, size: int) -> np.ndarray:
    """Return P(answered within ``threshold``) for an arrival with k = 0..size-1 ahead of it.

    With j customers ahead, the queue advances at rate ``c mu + j gamma`` and the tagged
    customer abandons at rate ``gamma``.  The holding times are Exp(c mu + (j + 1) gamma)
    whatever the exit, so P(answered by t) = P(all k+1 exits advance) P(T_k <= t), where
    the product telescopes to ``c mu / (c mu + (k + 1) gamma)`` and T_k, a sum of
    Exp(gamma (m + j)), j = 0..k, with ``m = c mu / gamma + 1``, satisfies
    ``exp(-gamma T_k) ~ Beta(m, k + 1)``.  Hence P(T_k > t) = I_y(m, k + 1), y = exp(-gamma t),
    which for integer k + 1 is the negative-binomial sum
    ``sum_{i<=k} Gamma(m + i) / (Gamma(m) i!) y^m (1 - y)^i``, evaluated in log space.
    """
    m = servers_rate / gamma + 1.0
    k = np.arange(size)
    one_minus_y = -math.expm1(-gamma * threshold)
    log_1_minus_y = math.log(one_minus_y) if one_minus_y > 0 else -math.inf
    increments = np.log((m + k[:-1]) / (k[:-1] + 1.0)) + log_1_minus_y
    log_terms = -m * gamma * threshold + np.concatenate(([0.0], np.cumsum(increments)))
    log_not_yet = np.minimum(np.logaddexp.accumulate(log_terms), 0.0)
    return servers_rate / (servers_rate + (k + 1) * gamma) * -np.expm1(log_not_yet)


def erlang_a(
    servers: int,
    arrival_rate: float,
    mean_service_time: float,
    mean_patience: float | None,
    threshold: float | None = None,
) -> ErlangAResult:
    r"""Steady-state performance of the Erlang A (Palm, M/M/c+M) queue.

    Birth-death chain with arrival rate :math:`\lambda`, death rate :math:`n\mu` for
    :math:`n \le c` and :math:`c\mu + (n - c)\gamma` for :math:`n > c`
    (:math:`\mu = 1/S`, :math:`\gamma = 1/\theta`):

    .. math::
        \pi_n \propto \frac{a^n}{n!}\ (n \le c), \qquad
        \pi_{c+k} = \pi_c \prod_{j=1}^{k} \frac{\lambda}{c\mu + j\gamma}.

    By PASTA and Little's law, :math:`P_W = P(N \ge c)`,
    :math:`\mathrm{ASA} = E[(N - c)^+]/\lambda` and :math:`P_{ab} = \gamma\,E[(N - c)^+]
    /\lambda = \mathrm{ASA}/\theta`; occupancy is evaluated as :math:`E[\min(N, c)]/c`,
    equal to :math:`\lambda (1 - P_{ab}) S / c` by flow balance but free of cancellation
    when nearly everyone abandons.  The weights are built in log space and the chain is
    truncated where the remaining mass is below 1e-17 of the largest term, so hundreds or
    thousands of agents pose no overflow.  The service level is exact:

    .. math::
        \mathrm{SL}(t) = P(N < c) + \sum_{k \ge 0} \pi_{c+k}\,
        \frac{c\mu}{c\mu + (k + 1)\gamma}\,\bigl(1 - I_{e^{-\gamma t}}(m, k + 1)\bigr),
        \qquad m = \frac{c\mu}{\gamma} + 1,

    where :math:`I` is the regularised incomplete beta function: an arrival with
    :math:`k` customers ahead is answered when :math:`k+1` queue advances (rates
    :math:`c\mu + j\gamma`) beat its own patience (rate :math:`\gamma`).  Abandoning
    within :math:`t` does not count as answered.  As :math:`\gamma \to 0` this tends
    to the Erlang C service level; ``mean_patience=None`` or ``math.inf`` returns the
    Erlang C values exactly (with no abandonment).

    Parameters
    ----------
    servers : int
        Number of agents :math:`c`, >= 1.
    arrival_rate : float
        Arrival rate :math:`\lambda`, >= 0.
    mean_service_time : float
        Mean handling time :math:`S`, > 0.
    mean_patience : float or None
        Mean patience :math:`\theta` > 0; ``None`` or ``math.inf`` for Erlang C.
    threshold : float or None, optional
        Service-level threshold :math:`t` >= 0; ``None`` skips the service level.

    Returns
    -------
    ErlangAResult
        Waiting and abandonment probabilities, ASA, service level and occupancy.

    References
    ----------
    Palm, "Research on telephone traffic carried by full availability groups",
    *Tele* 1, 1957 (English translation of the 1946 original); Garnett, Mandelbaum &
    Reiman, "Designing a call center with impatient customers", *MSOM* 4(3):208-227,
    2002; Mandelbaum & Zeltyn, "Service engineering in action: the Palm/Erlang-A queue,
    with applications to call centers", in *Advances in Services Innovations*, Springer,
    2007, pp. 17-45; Abramowitz & Stegun, *Handbook of Mathematical Functions*, 1964,
    section 26.5 (incomplete beta function).

    """
    count = _servers(servers, minimum=1)
    lam = _real("arrival_rate", arrival_rate)
    service = _real("mean_service_time", mean_service_time, positive=True)
    t = None if threshold is None else _real("threshold", threshold)
    if mean_patience is None or mean_patience == math.inf:
        load = lam * service
        return ErlangAResult(
            wait_probability=erlang_c_wait_probability(count, load),
            abandonment_probability=0.0,
            asa=erlang_c_asa(count, load, service),
            service_level=None if t is None else erlang_c_service_level(count, load, service, t),
            occupancy=occupancy(count, load),
        )
    patience = _real("mean_patience", mean_patience, positive=True)
    gamma = 1.0 / patience
    if lam == 0:
        return ErlangAResult(0.0, 0.0, 0.0, None if t is None else 1.0, 0.0)
    mu = 1.0 / service
    # log(pi_n / pi_c) = sum_{i=n+1}^{c} log(i / a) for n < c
    log_low = np.cumsum((np.log(np.arange(1, count + 1)) - math.log(lam * service))[::-1])[::-1]
    log_queue = _queue_log_ratios(count, lam, mu, gamma)
    shift = max(log_low.max(), log_queue.max())
    low, queue = np.exp(log_low - shift), np.exp(log_queue - shift)
    low_mass, queue_mass = float(low.sum()), float(queue.sum())
    total = low_mass + queue_mass
    asa = float(np.arange(queue.size) @ queue) / total / lam  # Little: E[(N - c)^+] / lambda
    service_level = None
    if t is not None:
        answered = float(_answered_within(count * mu, gamma, t, queue.size) @ queue)
        service_level = min((low_mass + answered) / total, 1.0)
    busy = float(np.arange(count) @ low) + count * queue_mass
    return ErlangAResult(
        wait_probability=queue_mass / total,
        abandonment_probability=asa / patience,
        asa=asa,
        service_level=service_level,
        occupancy=min(busy / (count * total), 1.0),
    )


def littles_law_queue_length(arrival_rate: float, mean_wait: float) -> float:
    r"""Mean number waiting from Little's law.

    .. math:: L_q = \lambda\, W_q

    Parameters
    ----------
    arrival_rate : float
        Arrival rate :math:`\lambda`, >= 0.
    mean_wait : float
        Mean waiting time :math:`W_q` of all arrivals, >= 0, same time unit.

    Returns
    -------
    float
        Mean queue length :math:`L_q`.

    References
    ----------
    Little, "A proof for the queuing formula L = lambda W", *Operations Research*
    9(3):383-387, 1961.

    """
    return _real("arrival_rate", arrival_rate) * _real("mean_wait", mean_wait)
