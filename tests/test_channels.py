"""Channels that behave like their channel: concurrent chats, an email backlog, callbacks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import SMALL, make_scenario, run_small
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.agents.customer import Customer
from cxsim.agents.service_agent import ServiceAgent
from cxsim.mechanisms.callback import expected_wait
from cxsim.mechanisms.handling import concurrency_factor
from cxsim.runner import simulate
from cxsim.stations.pool import ServerPool

# a phone line loaded as measured centres are (about 80% occupancy), where callbacks matter
LOADED = ("contact_centre.agents=4", "horizon.days=120")
CALLBACKS = ("contact_centre.callback.enabled=true",)
ONE_CHAT_AGENT = (
    "channels.chat.agents=1", "customers.segments.1.channel_mix.chat=0.6",
    "customers.segments.1.channel_mix.phone=0.2",
    "contact_centre.arrival_rate_per_hour=0",  # no phone enquiries: only the chat matters here
)  # fmt: skip


class _Agent:
    """Holds jobs until told one is done, counting them as a staff member does."""

    def __init__(self, pool_of: list[ServerPool]) -> None:
        self.jobs: list[object] = []
        self.pool_of = pool_of

    @property
    def in_hand(self) -> int:
        return len(self.jobs)

    def start(self, job: object) -> None:
        self.jobs.append(job)

    def finish(self) -> None:
        self.jobs.pop(0)
        self.pool_of[0].release(self)


def _pool(servers: int, capacity: int) -> tuple[ServerPool, list[_Agent], list[float]]:
    now, holder = [0.0], []
    agents = [_Agent(holder) for _ in range(servers)]
    pool = ServerPool(agents, clock=lambda: now[0], capacity=capacity)
    holder.append(pool)
    return pool, agents, now


def test_formulas():
    assert concurrency_factor(0, 0.25) == 1.0
    assert concurrency_factor(2, 0.25) == 1.5
    assert expected_wait(3, 10.0, 4) == 10.0  # four calls to finish, four agents
    assert expected_wait(0, 10.0, 0) == math.inf


def test_a_chat_agent_serves_as_many_chats_as_its_places():
    pool, (a, b), _ = _pool(2, capacity=2)
    for job in range(5):
        pool.submit(job)
    assert sorted([a.in_hand, b.in_hand]) == [2, 2]  # the first chats go to different agents
    assert a.jobs[0] != b.jobs[0] and pool.queue_length == 1
    a.finish()  # a place frees: the waiting chat takes it
    assert a.in_hand == 2 and pool.queue_length == 0


def test_above_the_roster_a_chat_agent_finishes_the_chats_in_hand_then_goes():
    pool, (a, b), _ = _pool(2, capacity=2)
    pool.submit("chat 1")
    pool.submit("chat 2")  # one each
    pool.set_on_duty(1)
    assert pool.on_duty == 2  # both busy: nobody can go yet
    busy_first = a
    busy_first.finish()  # its last chat: it goes off duty
    assert pool.on_duty == 1 and busy_first in pool.off_duty
    pool.submit("chat 3")
    pool.submit("chat 4")
    assert b.in_hand == 2 and pool.queue_length == 1  # the one on duty fills both places
    pool.set_on_duty(0)
    b.finish()  # one chat still in hand: no new chat, not yet off duty
    assert b.in_hand == 1 and pool.queue_length == 1 and pool.on_duty == 0
    b.finish()
    assert b in pool.off_duty
    pool.set_on_duty(2)  # both back with both places: the waiting chat starts
    assert pool.queue_length == 0 and pool.on_duty == 2
    assert b.jobs == ["chat 4"] and sorted(map(id, pool.idle)) == sorted(map(id, [a, a, b]))


def test_a_job_for_one_agent_waits_for_them_while_others_are_free_and_goes_first():
    pool, (a, b), _ = _pool(2, capacity=1)
    pool.submit("a's first")  # to a (the first free)
    assert not pool.submit_to(a, "for a")  # b is free, but the job is a's
    assert b in pool.idle and pool.queue_length == 0
    pool.submit("for anyone")  # b takes it
    pool.submit("queued")
    a.finish()  # a returns its own message before the common queue
    assert a.jobs == ["for a"] and pool.queue_length == 1
    assert pool.submit_to(b, "b's") is False  # busy: it waits
    b.finish()
    assert b.jobs == ["b's"]


def test_an_absent_agents_jobs_wait_for_their_shift_and_go_to_colleagues_when_they_leave():
    pool, (a, b), _ = _pool(2, capacity=1)
    pool.set_on_duty(1)  # b goes off
    off = pool.off_duty[0]
    assert not pool.submit_to(off, "message")
    pool.set_on_duty(2)  # the shift starts: the message first
    assert off.jobs == ["message"]
    pool.submit("busy the other")
    pool.submit_to(off, "second message")
    pool.retire(off)  # leaves: the colleague takes it once free
    assert pool.queue_length == 1
    other = a if off is b else b
    other.finish()
    assert other.jobs == ["second message"]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 4),
    st.lists(st.tuples(st.sampled_from("srdo"), st.integers(0, 4)), max_size=60),
)
def test_the_pool_never_overfills_an_agent_nor_leaves_a_place_free_while_chats_wait(
    capacity, servers, operations
):
    pool, agents, now = _pool(servers, capacity)
    for step, (operation, number) in enumerate(operations):
        now[0] = step
        if operation == "s":
            pool.submit(step)
        elif operation == "o":
            pool.submit_to(agents[number % servers], step)
        elif operation == "d":
            pool.set_on_duty(number)
        else:
            busy = [agent for agent in agents if agent.jobs]
            if busy:
                busy[number % len(busy)].finish()
        for agent in agents:
            assert agent.in_hand <= capacity
            free = pool.idle.count(agent)
            taking = agent not in pool.off_duty and agent not in pool.closing
            assert free == (capacity - agent.in_hand if taking else 0)
        assert not (pool.queue_length and pool.idle)
        assert not any(pool.personal.get(agent) and agent in pool.idle for agent in agents)
        assert pool.on_duty <= servers


def test_concurrent_chats_shorten_the_chat_queue_and_each_chat_takes_longer():
    """Paired runs: two chats at once shorten the agent's queue; the slowdown costs time."""
    for seed in range(3):
        _, one = run_small(f"seed={seed}", *ONE_CHAT_AGENT, "channels.chat.concurrency=1")
        _, two = run_small(f"seed={seed}", *ONE_CHAT_AGENT, "channels.chat.concurrency=2")
        assert two["channels"]["chat"]["asa_minutes"] < one["channels"]["chat"]["asa_minutes"]
        assert (
            two["channels"]["chat"]["abandonment_rate"]
            < one["channels"]["chat"]["abandonment_rate"]
        )
    busy = (*ONE_CHAT_AGENT, "channels.chat.aht_minutes=300")  # often two chats at once
    _, plain = run_small(*busy, "channels.chat.concurrency_slowdown=0")
    _, slow = run_small(*busy, "channels.chat.concurrency_slowdown=1")
    # each chat taken beside another takes twice as long: the places stay filled longer
    assert slow["channels"]["chat"]["occupancy"] > 1.05 * plain["channels"]["chat"]["occupancy"]


def test_email_is_never_abandoned_and_is_measured_against_its_response_target():
    _, day = run_small()
    _, hour = run_small("channels.email.response_target_hours=0.05")
    email = day["channels"]["email"]
    assert email["abandonment_rate"] == 0.0 and email["offered"] > 0
    assert hour["channels"]["email"]["service_level"] < email["service_level"]


def test_callbacks_keep_callers_from_hanging_up():
    """Paired runs on a loaded line: fewer hang up; nobody is called back without the offer.

    Effort need not fall: the callers who would have hung up stay in the queue, so those on
    hold behind them wait longer (Armony and Maglaras 2004 study this trade-off).
    """
    for seed in range(3):
        _, plain = run_small(f"seed={seed}", *LOADED)
        _, offered = run_small(f"seed={seed}", *LOADED, *CALLBACKS)
        phone, with_callbacks = plain["contact_centre"], offered["contact_centre"]
        assert phone["callback_rate"] == 0.0
        assert 0.0 < with_callbacks["callback_rate"] < 0.4  # those above the wait who accept
        assert with_callbacks["abandonment_rate"] < phone["abandonment_rate"]


def test_an_unanswered_callback_leaves_the_customer_to_try_again(monkeypatch):
    """A case's callback that reaches nobody is a contact that did not help: the customer
    tries again or gives up (``Customer.not_helped``), at once, for each such callback.

    (The repeat-contact rate need not rise: an unreached callback also frees the agent who
    would have talked, so the queue and its hang-ups shrink.)
    """
    unreached, unhelped = [], []
    complete, not_helped = ServiceAgent.complete, Customer.not_helped

    def completing(agent, job):
        if getattr(job, "unreached", False) and job.case is not None:
            unreached.append(job.case.customer)
        complete(agent, job)

    monkeypatch.setattr(ServiceAgent, "complete", completing)
    monkeypatch.setattr(Customer, "not_helped", lambda c: unhelped.append(c) or not_helped(c))
    model = simulate(
        make_scenario(*SMALL, *LOADED, *CALLBACKS, "contact_centre.callback.unreached=1")
    )
    stats = model.contact_centre.stats
    assert stats.callbacks > 0 and stats.unreached == pytest.approx(stats.callbacks, rel=0.05)
    assert len(unreached) > 10
    assert not set(unreached) - set(unhelped)  # each of them was left to try again
    assert np.isfinite(model.contact_centre.stats.callbacks)
