"""Workforce: staff leave, posts stay empty for a while, and vacancies cost capacity."""

import pytest
from conftest import SMALL as SMALL_KEYS
from conftest import make_scenario, run_small

from cxsim.agents.staff import StaffAgent
from cxsim.kpis import summarise
from cxsim.model import ServiceOrganisation
from cxsim.scenario import load_scenario

TURNOVER = ("workforce.turnover_per_year=3", "workforce.hiring_delay_days=60")
RENEWING = (  # a year in which much of the workforce renews, learning as it works
    "workforce.turnover_per_year=1.5",
    "workforce.hiring_delay_days=10",
    "workforce.learning_per_job=0.0002",
)


def people_per_position(model, role: str) -> float:
    """Full-time people behind each position of ``role`` (the same for all its posts here)."""
    people = [post.people for post in model.workforce.posts if post.role == role]
    assert max(people) == pytest.approx(min(people))
    return people[0]


def test_constant_staff_by_default():
    model, kpi = run_small()
    assert all(s["leavers"] == 0 and s["vacancies_end"] == 0 for s in kpi["staff"].values())
    assert kpi["costs"]["hiring"] == 0


def test_leavers_are_replaced_after_a_delay_and_hiring_costs_money():
    model, kpi = run_small(*TURNOVER)
    frontline = kpi["staff"]["frontline"]
    assert frontline["leavers"] > 5 and frontline["hires"] > 0
    assert frontline["hires"] <= frontline["leavers"]
    assert kpi["costs"]["hiring"] == pytest.approx(  # every person behind a position is hired
        5000 * sum(s["hires"] * people_per_position(model, r) for r, s in kpi["staff"].items())
    )
    # around the clock, a seat needs 168 hours / (1 - 30% shrinkage) / 40-hour contracts
    assert people_per_position(model, "frontline") == pytest.approx(168 / 0.7 / 40)
    assert people_per_position(model, "sales") == 1.0
    assert frontline["turnover_per_year"] > 1.0


def test_vacancies_reduce_capacity():
    model, churned = run_small(*TURNOVER, "contact_centre.aht_minutes=60")
    steady_model, steady = run_small("contact_centre.aht_minutes=60")
    series = model.datacollector.get_model_vars_dataframe()
    assert series["frontline_headcount"].min() < steady_model.workforce.headcount("frontline")
    assert churned["contact_centre"]["asa_minutes"] > steady["contact_centre"]["asa_minutes"]


def test_recognition_keeps_people_and_costs_money():
    _, plain = run_small(*TURNOVER)
    _, valued = run_small(*TURNOVER, "workforce.recognition=1")
    leavers = sum(s["leavers"] for s in plain["staff"].values())
    kept = sum(s["leavers"] for s in valued["staff"].values())
    assert kept < leavers
    assert valued["costs"]["recognition"] > 0 == plain["costs"]["recognition"]


def test_experience_raises_skill_and_idleness_lets_it_fade():
    from cxsim.mechanisms.workforce import decay_skill, learn

    assert learn(0.5, 0.1, 0.9) == pytest.approx(0.54)
    assert learn(0.95, 0.1, 0.9) == 0.95
    assert decay_skill(0.7, 0.3, 0.5, 365) == pytest.approx(0.3 + 0.4 * 2.718281828**-0.5)
    learning, _ = run_small("workforce.learning_per_job=0.002")
    static, _ = run_small()

    def mean(model):
        return sum(a.skill for a in model.contact_centre.pool.servers) / 2

    assert mean(learning) > mean(static) + 0.05
    fading, _ = run_small("workforce.skill_decay_per_year=1")
    assert mean(fading) < mean(static) - 0.05


def test_a_hiring_policy_applies_to_new_hires_while_the_day_0_staff_are_who_they_are():
    """Seed 004: hire "people that have a natural flair"; a policy cannot change who is already
    employed, so its effect grows as the workforce renews."""
    usual = ServiceOrganisation(make_scenario(*SMALL_KEYS))
    attitude = ServiceOrganisation(make_scenario(*SMALL_KEYS, "workforce.hiring_policy=attitude"))
    profiles = attitude.params.workforce.profiles
    for role in attitude.workforce.roles:  # day 0: the same people, the usual hire
        assert [m.skill for m in attitude.workforce.members(role)] == [
            m.skill for m in usual.workforce.members(role)
        ]
        assert all(m.hired_as == profiles.skill for m in attitude.workforce.members(role))
    model, _ = run_small(*RENEWING, "workforce.hiring_policy=attitude")
    members = [m for role in model.workforce.roles for m in model.workforce.members(role)]
    new = [m for m in members if m.hired_as == profiles.attitude]
    assert new and len(new) < len(members)  # some renewed, some still the day-0 staff
    learning = model.workforce.staff_spec().learning_per_job
    agent = next(m for m in new if m.role == "frontline")
    skill = agent.skill
    agent.learn()
    assert agent.skill == pytest.approx(skill + 2.0 * learning * (0.95 - skill))  # twice as fast


def test_attitude_hires_need_only_the_systems_training():
    """Seed 004: "then the only training they need is in the systems": half the onboarding."""
    model = ServiceOrganisation(
        make_scenario(*SMALL_KEYS, *RENEWING, "workforce.hiring_policy=attitude")
    )
    workforce, hired, started = model.workforce, {}, {}
    fill, start = workforce.fill, workforce.start

    def record(book, method):
        def wrapped(vacancy):
            book[id(vacancy)] = model.calendar.now
            method(vacancy)

        return wrapped

    workforce.fill, workforce.start = record(hired, fill), record(started, start)
    model.run(120)
    days = [started[v] - hired[v] for v in started]
    onboarding = model.params.workforce.onboarding_days
    assert days and all(d == pytest.approx(0.5 * onboarding) for d in days)


def test_hire_for_attitude_keeps_people_longer_and_brings_empathy_as_the_workforce_renews():
    """Paired runs (common random numbers), 3 seeds: fewer leavers than hiring for skill, and
    the frontline's empathy rises as attitude hires replace the leavers."""
    for seed in range(3):
        skill_model, skill = run_small(*RENEWING, f"seed={seed}")
        att_model, attitude = run_small(
            *RENEWING, f"seed={seed}", "workforce.hiring_policy=attitude"
        )
        assert sum(s["leavers"] for s in attitude["staff"].values()) < sum(
            s["leavers"] for s in skill["staff"].values()
        ), seed

        def empathy(model):
            agents = model.workforce.members("frontline")
            return sum(a.empathy for a in agents) / len(agents)

        assert empathy(att_model) > empathy(skill_model), seed


def test_a_cheaper_hire_is_paid_less_only_once_hired():
    """Salaries are paid per person at the pay they were hired on: the cheapest policy pays
    the day-0 staff as before, and less as its hires replace them."""
    _, usual = run_small(*RENEWING, "horizon.days=1")
    _, cheap_day = run_small(*RENEWING, "horizon.days=1", "workforce.hiring_policy=cheapest")
    assert cheap_day["costs"]["salaries_frontline"] == usual["costs"]["salaries_frontline"]
    _, usual = run_small(*RENEWING)
    _, cheap = run_small(*RENEWING, "workforce.hiring_policy=cheapest")
    assert cheap["costs"]["salaries_frontline"] < usual["costs"]["salaries_frontline"]


def test_hiring_the_cheapest_costs_skill_as_the_workforce_renews():
    _, cheap_kpi = run_small(*RENEWING, "workforce.hiring_policy=cheapest")
    _, base_kpi = run_small(*RENEWING)
    assert cheap_kpi["fcr"] < base_kpi["fcr"]


TRAINING = (
    "training=[{name: listening, role: frontline, start_day: 100, days_off_floor: 3, "
    "skill_gain: 0.5, cost_per_person: 2000}]"
)


def test_training_costs_money_first_and_pays_back_later():
    trained, trained_kpi = run_small(TRAINING)
    plain, _ = run_small()
    agents = trained.workforce.headcount("frontline")
    assert trained_kpi["costs"]["training"] == pytest.approx(
        2000 * agents * people_per_position(trained, "frontline")
    )
    weekly = trained.datacollector.get_model_vars_dataframe().set_index("day")
    weekly_plain = plain.datacollector.get_model_vars_dataframe().set_index("day")
    assert weekly.loc[105.0, "costs"] > weekly_plain.loc[105.0, "costs"]  # the bill comes first

    def fcr_after(model, day):
        cases = [c for c in model.recorder.cases if c.opened_day >= day]
        return sum(c.first_contact_resolution for c in cases) / len(cases)

    assert fcr_after(trained, 120) > fcr_after(plain, 120) + 0.02  # the payback comes later
    before = [c for c in trained.recorder.cases if c.opened_day < 100]
    before_plain = [c for c in plain.recorder.cases if c.opened_day < 100]
    assert len(before) == len(before_plain)  # nothing changed before the programme


def test_unified_training_lowers_handoff_loss():
    _, plain = run_small()
    _, unified = run_small("training=[{name: joint, role: sales, start_day: 0, unified: true}]")
    assert (
        unified["translation_loss_by_stage"]["handoff"]
        < 0.85 * plain["translation_loss_by_stage"]["handoff"]
    )


def test_a_hiring_freeze_leaves_posts_empty_until_it_ends():
    keys = (*TURNOVER, "shocks=[{kind: hiring_freeze, start_day: 0, end_day: 200}]")
    model, _ = run_small(*keys)
    series = model.datacollector.get_model_vars_dataframe().set_index("day")
    assert series.loc[196.0, "vacancies"] > 0
    during = series.loc[:196.0, "frontline_headcount"]
    assert (during.diff().dropna() <= 0).all()  # nobody joins during the freeze
    after = series.loc[203.0:, "frontline_headcount"]
    assert (after.diff().dropna() > 0).any()  # and posts are filled once it ends


def test_coaching_raises_frontline_skill_unless_supervisors_are_swamped():
    coached, _ = run_small("supervisors.coaching_sessions_per_day=2")
    plain, _ = run_small()

    def skill(model):
        agents = [a for c in model.channels.values() for a in c.pool.servers]
        return sum(a.skill for a in agents) / len(agents)

    assert coached.counters["coaching_sessions"] > 300
    assert skill(coached) > skill(plain) + 0.1
    swamped, _ = run_small(
        "supervisors.coaching_sessions_per_day=2", "supervisors.handling_minutes=2880"
    )
    assert swamped.counters["coaching_skipped"] > swamped.counters["coaching_sessions"]
    assert skill(swamped) < skill(coached)


def test_recovery_training_raises_empathy_and_only_where_there_is_a_listener():
    from cxsim.scenario import ScenarioError

    trained, _ = run_small(
        "training=[{name: r, role: frontline, start_day: 10, target: empathy, skill_gain: 0.5}]"
    )
    plain, _ = run_small()

    def empathy(model):
        agents = [a for c in model.channels.values() for a in c.pool.servers]
        return sum(a.empathy for a in agents) / len(agents)

    assert empathy(trained) > empathy(plain) + 0.1
    with pytest.raises(ScenarioError, match="training.0.target"):
        make_scenario("training=[{name: r, role: sales, target: empathy}]")


def test_two_programmes_for_one_role_each_keep_their_own_terms():
    """A skill course and an empathy course for the frontline: each charges and teaches its own."""
    courses = (
        'training=[{"role": "frontline", "start_day": 5, "days_off_floor": 2, '
        '"cost_per_person": 1000, "skill_gain": 0.2}, {"role": "frontline", "start_day": 100, '
        '"days_off_floor": 2, "cost_per_person": 1, "skill_gain": 0.3, "target": "empathy"}]'
    )
    model, kpi = run_small(courses, "horizon.days=200", "workforce.turnover_per_year=0")
    trained = model.workforce.headcount("frontline") * people_per_position(model, "frontline")
    assert kpi["costs"]["training"] == pytest.approx(trained * 1000 + trained * 1)


def _option(tmp_path, text: str):
    """A scenario file that extends the baseline, loaded small."""
    path = tmp_path / "option.yaml"
    path.write_text("extends: baseline.yaml\nname: option\n" + text)
    return load_scenario(path, ["customers.initial=300", "horizon.days=120"])


def test_positions_a_scenario_adds_to_its_parent_are_recruited(tmp_path):
    """Two more supervisors than the baseline: advertised at day 0, paid for, onboarded later."""
    option = _option(tmp_path, "supervisors:\n  count: 3\n")
    assert option.workforce.positions_before.supervisors == 1  # the parent's
    assert option.workforce.positions_before.phone == 10
    model = ServiceOrganisation(option)
    supervisors = model.workforce.pool("supervisors")
    assert supervisors.size == 1 and model.workforce.vacancies_of("supervisors") == 2
    model.run(option.horizon.days)
    kpi = summarise(model)
    assert supervisors.size == 3 and kpi["staff"]["supervisors"]["hires"] == 2
    people = people_per_position(model, "supervisors")
    assert kpi["costs"]["hiring"] == pytest.approx(2 * 5000 * people)
    # the same staff described as today's: all in post, nothing to recruit
    today = _option(tmp_path, "supervisors:\n  count: 3\nworkforce:\n  positions_before: null\n")
    assert today.workforce.positions_before is None
    in_post = ServiceOrganisation(today)
    assert in_post.workforce.pool("supervisors").size == 3
    in_post.run(today.horizon.days)
    assert summarise(in_post)["costs"]["hiring"] == 0.0


def test_a_scenario_with_fewer_positions_recruits_nobody(tmp_path):
    option = _option(tmp_path, "contact_centre:\n  agents: 8\n")
    model = ServiceOrganisation(option)
    assert model.workforce.pool("phone").size == 8 and not model.workforce.vacancies


def test_every_position_held_is_paid_including_a_trainee_back_with_a_job_to_finish():
    """A member back from training finishes the job they had in hand before rejoining the pool:
    they still hold their position (counted and paid), as does everyone onboarding or away.

    The schema's ten delivery teams with 400 customers (not the small firm's four): busy
    enough that a sample every 72 minutes finds one back with a job in hand."""
    model = ServiceOrganisation(
        make_scenario(
            "customers.initial=400",
            *RENEWING,
            "horizon.days=200",
            "training=[{name: skills, role: delivery, start_day: 10, days_off_floor: 0.3, "
            "skill_gain: 0.1, cost_per_person: 100}]",
        )  # fmt: skip
    )
    staff = [a for a in model.agents if isinstance(a, StaffAgent)]
    seen_returning = 0
    for _ in range(600):  # every 72 minutes: a return lasts until the job in hand is done
        model.run(0.05)
        for post in model.workforce.posts:
            returning = sum(
                1 for a in staff if a.post == post.name and a.returning and not a.leaving
            )
            seen_returning += returning
            assert model.workforce.held[post.name] == (
                post.pool.size
                + sum(  # hired, not yet serving
                    v.post is post and v.member is not None for v in model.workforce.vacancies
                )
                + model.workforce.away[post.name]
                + returning
            )
    assert seen_returning  # the case the old count of positions missed happened
