"""Requirement translation loss: each stage's direction, and where loss is recorded."""

import numpy as np
from conftest import run_small
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.mechanisms import requirements as rq


def _mean_interpretation_loss(skill: float, n: int = 4000) -> float:
    rng = np.random.default_rng(1)
    losses = []
    for _ in range(n):
        need = rng.random(5)
        heard = rq.interpret(need, skill, noise=0.3, anchoring=0.35, rng=rng)
        losses.append(rq.fit_loss(heard, need))
    return float(np.mean(losses))


def test_better_listener_loses_less_at_interpretation():
    assert (
        _mean_interpretation_loss(0.9)
        < _mean_interpretation_loss(0.6)
        < _mean_interpretation_loss(0.3)
    )


def test_better_listeners_in_the_model_lose_less_at_interpretation():
    _, poor = run_small("sales.listening_skill_mean=0.3")
    _, good = run_small("sales.listening_skill_mean=0.9")
    stage = "translation_loss_by_stage"
    assert good[stage]["interpretation"] < 0.6 * poor[stage]["interpretation"]


def test_verification_lowers_total_loss_and_its_stage_corrects():
    _, without = run_small()
    _, with_check = run_small("sales.verification=true")
    assert without["translation_loss_by_stage"]["verification"] == 0.0
    assert with_check["translation_loss_by_stage"]["verification"] < -0.02
    assert with_check["translation_loss"] < without["translation_loss"] - 0.02


def test_shared_record_lowers_handoff_loss():
    _, silo = run_small()
    _, shared = run_small("shared_record.enabled=true")
    assert (
        shared["translation_loss_by_stage"]["handoff"]
        < silo["translation_loss_by_stage"]["handoff"]
    )


def test_rigid_delivery_loses_more_at_delivery():
    _, flexible = run_small("delivery.rigidity=0.05")
    _, rigid = run_small("delivery.rigidity=0.8")
    assert (
        rigid["translation_loss_by_stage"]["delivery"]
        > flexible["translation_loss_by_stage"]["delivery"] + 0.05
    )


def test_haste_grows_with_backlog_and_is_capped():
    assert rq.haste(0, 5, 3.0) == 0.0
    assert rq.haste(15, 5, 3.0) == 1.0
    assert rq.haste(1000, 5, 3.0) == 2.0
    assert rq.haste(10, 0, 3.0) == 0.0


needs = st.lists(st.floats(0, 1), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(needs, st.floats(0, 1), st.floats(0, 1), st.integers(0, 2**32 - 1))
def test_stage_losses_add_up_to_the_distance_delivered(need, skill, rigidity, seed):
    rng = np.random.default_rng(seed)
    need = np.array(need)
    said = rq.express(need, 0.5, 0.3, rng)
    heard = rq.interpret(said, skill, 0.3, 0.35, rng)
    checked = rq.verify(heard, need, 0.6)
    spec = rq.hand_off(checked, 0.6, 0.25, False, 0.5, rng)
    built = rq.build(spec, rigidity, 0.75, 0.2, 0.0, rng)
    losses = rq.StageLosses.from_trace(need, said, heard, checked, spec, built)
    assert abs(losses.total - rq.fit_loss(built, need)) < 1e-9
    assert losses.verification <= 1e-12  # confirming never moves away from the need
    assert all(0.0 <= v <= 1.0 for v in built)
