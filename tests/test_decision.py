"""What a comparison means for a board: cost of a change, return, payback, recommendation,
and numbers printed to the digits the replications hold (no simulation: hand-made runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BASELINE, ROOT

from cxsim.comparison import Replicated, ScenarioComparison
from cxsim.decision import investment, recommend, stays_at_or_above_zero
from cxsim.errors import ScenarioError
from cxsim.report.comparison_plots import bridges_figure, chart_kpis, drivers_figure
from cxsim.report.comparison_sentences import headline
from cxsim.report.wording import UNITS, estimate_text, places, unit_of
from cxsim.robustness import Doubt, check, doubts, moved
from cxsim.scenario import Scenario, load_scenario, with_overrides
from cxsim.statistics import Estimate

DAYS = [0.0, 7.0, 14.0, 21.0, 28.0]
NOISE = np.array([0.01, -0.01, 0.02, -0.02, 0.0])


def _option(
    name: str,
    retention: float,
    profit: float,
    training: float = 0.0,
    weekly_profit: list[float] | None = None,
    currency: str = "EUR",
    **kpis: float,
) -> Replicated:
    """Five replications around the given means; cumulative profit along ``weekly_profit``."""
    columns = {
        "retention_rate": retention + NOISE / 10,
        "profit": profit * (1 + NOISE),
        "revenue": 3 * profit * (1 + NOISE),
        "costs.training": np.full(5, training),
        "costs.cost_of_goods": 2 * profit * (1 + NOISE) - training,
        **{k: v * (1 + NOISE) for k, v in kpis.items()},
    }
    path = np.cumsum(weekly_profit or [0.0, 1, 1, 1, 1])
    series = [
        {"day": DAYS, "cumulative_profit": list(path * (1 + n)), "retained_share": [1.0] * 5}
        for n in NOISE
    ]
    params = Scenario(name=name, economics={"currency": currency})
    return Replicated(params, name, list(range(5)), pd.DataFrame(columns), series)


def _comparison(*options: Replicated) -> ScenarioComparison:
    return ScenarioComparison(list(options), 5, 42, True)


def test_payback_is_the_day_from_which_the_difference_stays_above_zero() -> None:
    assert stays_at_or_above_zero(DAYS, [-5, -1, 2, -1, 3]) == 28.0
    assert stays_at_or_above_zero(DAYS, [0, 1, 2, 3, 4]) == 0.0
    assert stays_at_or_above_zero(DAYS, [-5, -1, 2, 3, -1]) is None


def test_the_cost_of_a_change_is_shown_apart_from_its_effects() -> None:
    today = _option("today", 0.85, 1000.0, weekly_profit=[0, 10, 10, 10, 10])
    trained = _option("trained", 0.87, 1100.0, training=50.0, weekly_profit=[0, -30, 60, 30, 40])
    change = investment(_comparison(today, trained), trained)
    assert change.cost.mean == pytest.approx(50.0)  # training bought: the change itself
    assert change.profit.mean == pytest.approx(100.0)
    assert change.effects.mean == pytest.approx(150.0)  # profit difference + cost
    assert change.return_on_change is not None
    assert change.return_on_change.mean == pytest.approx(150 / 50 - 1)
    # the cumulative difference is below zero in week 1, above from day 14 on
    assert change.payback.day == 14.0 and change.payback.earliest <= 14.0


def test_a_change_that_costs_nothing_has_no_return_ratio() -> None:
    today, same = _option("today", 0.85, 1000.0), _option("same", 0.85, 1000.0)
    assert investment(_comparison(today, same), same).return_on_change is None


def test_recommendation_keeps_retention_first_then_takes_the_most_profit() -> None:
    today = _option("today", 0.85, 1000.0)
    richer_but_loses = _option("squeeze", 0.80, 1500.0)
    better = _option("better", 0.86, 1200.0)
    rec = recommend(_comparison(today, richer_but_loses, better))
    assert rec.choice.name == "better" and rec.runner_up.name == "today"
    assert [s.name for s in rec.kept_retention] == ["today", "better"]
    assert rec.clear and "retention" in rec.criterion


def test_recommendation_is_no_change_when_every_option_earns_less() -> None:
    today = _option("today", 0.85, 1000.0)
    rec = recommend(_comparison(today, _option("worse", 0.85, 900.0)))
    assert rec.choice is rec.kept_retention[0] and rec.choice.name == "today"


def test_recommendation_says_when_the_runner_up_cannot_be_told_apart() -> None:
    today = _option("today", 0.85, 1000.0)
    a, b = _option("a", 0.85, 1200.0), _option("b", 0.85, 1200.5)
    b.kpis["profit"] = a.kpis["profit"] + np.array([3.0, -3.0, 2.0, -2.0, 0.5])
    rec = recommend(_comparison(today, a, b))
    assert rec.choice.name == "b" and rec.runner_up.name == "a" and not rec.clear


def test_numbers_carry_only_the_digits_their_interval_supports() -> None:
    assert places(0.93, 3) == 1 and places(0.12, 3) == 2 and places(4.0, 3) == 0
    share = estimate_text(Estimate(0.85314, 0.8438, 0.8624, 10), UNITS["share"])
    assert share == "85.3% (84.4% to 86.2%)"
    money = estimate_text(
        Estimate(-856_000, -1_006_000, -706_000, 10), UNITS["money"], signed=True, currency="GBP"
    )
    assert money == "\u2212860k GBP (\u22121.01M to \u2212710k)"


def test_a_level_interval_stops_at_what_the_figure_can_be() -> None:
    """Few replications of a rare event: the t-interval reaches below zero, the figure cannot."""
    rare = Estimate(0.003, -0.003, 0.009, 3)
    assert estimate_text(rare, UNITS["share"]) == "0.3% (0.0% to 0.9%)"
    assert estimate_text(Estimate(4.0, -1.0, 10.0, 3), UNITS["count"]) == "4 (0 to 10)"
    assert estimate_text(rare, UNITS["share"], signed=True) == "+0.3 pts (\u22120.3 to +0.9)"


def test_a_significant_interval_is_signed_and_never_starts_at_zero() -> None:
    loss = estimate_text(Estimate(-0.012, -0.0234, -0.0004, 10), UNITS["relative"], signed=True)
    assert loss == "\u22121.20% (\u22122.34% to \u22120.04%)"
    gain = estimate_text(Estimate(0.021, 0.009, 0.033, 10), UNITS["share"], signed=True)
    assert gain == "+2.1 pts (+0.9 to +3.3)"


def test_units_are_read_from_the_kpi_names() -> None:
    kinds = {k: unit_of(k) for k in ("fcr", "profit", "costs.training", "nps", "ces")}
    assert kinds == {
        "fcr": "share",
        "profit": "money",
        "costs.training": "money",
        "nps": "score",
        "ces": "scale",
    }
    assert unit_of("contact_centre.asa_minutes") == "minutes"
    assert unit_of("public_complaints") == "count"


def test_headline_prints_the_scenarios_currency() -> None:
    today = _option("today", 0.85, -1000.0, currency="GBP")
    other = _option("other", 0.85, -900.0, currency="GBP")
    assert "GBP" in headline(_comparison(today, other), other)


def test_charts_never_show_a_change_against_nearly_nothing() -> None:
    """NPS near zero is drawn as a difference in points; two public complaints not at all."""
    today = _option("today", 0.85, 1000.0, nps=0.4, public_complaints=2.0, referrals=50.0)
    other = _option("other", 0.86, 1100.0, nps=12.0, public_complaints=6.0, referrals=60.0)
    c = _comparison(today, other)
    points, relative = chart_kpis(c)
    assert "nps" in points and "public_complaints" not in points + relative
    assert relative == ["referrals"]
    fig = drivers_figure(c, {"today": "#444444", "other": "#1f77b4"})
    low, high = fig.axes[0].get_xlim()
    assert -100 <= low and high <= 100  # points, as they are: +11.6, not +2,900%
    low, high = fig.axes[1].get_xlim()
    assert -100 <= low and high <= 100  # referrals +20%


def test_the_profit_bridge_is_drawn_from_zero_not_from_the_level() -> None:
    today = _option("today", 0.85, 11_000_000.0)
    other = _option("other", 0.85, 10_900_000.0, training=50_000.0)
    c = _comparison(today, other)
    low, high = bridges_figure(c, {"today": "#444444", "other": "#1f77b4"}).axes[0].get_xlim()
    assert low < 0 < high and high - low < 2_000_000  # the differences, not 11M levels


# --- robustness: the recommendation with a doubtful input at either end of its band ------
def test_doubts_come_from_the_schema_a_given_band_or_a_calibration() -> None:
    reference = Scenario()
    evidence = {
        "identification": {
            "frontline.skill_mean": "pinned down",
            "supervisors.competency": "not identified: do not trust conclusions that hinge on it",
        },
        "bands": {"frontline.skill_mean": [0.6, 0.7], "supervisors.competency": [0.62, 0.93]},
    }
    found = doubts(
        ["loose", "economics.discount_rate_per_year", "frontline.escalate_when_unable=0.2:0.8"],
        reference,
        evidence,
    )
    assert [(d.key, d.low, d.high) for d in found] == [
        ("supervisors.competency", 0.62, 0.93),  # loose: the pinned-down skill is left out
        ("economics.discount_rate_per_year", 0.0, 0.3),  # the schema's usual band
        ("frontline.escalate_when_unable", 0.2, 0.8),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("supervisors.competency", "no plausible band in the schema"),
        ("frontline.escalate_when_unable=0.8:0.2", "LOW < HIGH"),
        ("frontline.escalate_when_unable=0.2:1.5", "frontline.escalate_when_unable"),
        ("loose", "not a calibrated.yaml"),
    ],
)
def test_a_bad_doubt_is_one_line_naming_it(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as error:
        doubts([text], Scenario(), None)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_doubt_moves_every_scenario_but_an_options_own_lever() -> None:
    today = Scenario(name="today")
    lever = Scenario(name="lever", frontline={"empowerment_limit": 1000.0})
    doubt = Doubt("frontline.empowerment_limit", 20.0, 200.0, "named")
    there = moved([today, lever], doubt, 200.0)
    assert there[0].frontline.empowerment_limit == 200.0
    assert there[1].frontline.empowerment_limit == 1000.0  # the option's own lever stays


def test_a_doubt_on_a_roster_entry_leaves_an_options_own_head_count() -> None:
    today = load_scenario(BASELINE)
    hired = with_overrides(today, ["channels.email.roster.0.agents=5"])
    doubt = Doubt("channels.email.roster.0.agents", 1.0, 3.0, "named")
    there = moved([today, hired], doubt, 3.0)
    assert [s.channels.email.roster[0].agents for s in there] == [3, 5]


def test_robustness_reruns_the_comparison_at_both_ends() -> None:
    small = ("customers.initial=150", "horizon.days=40")
    scenarios = [
        load_scenario(BASELINE, small),
        load_scenario(ROOT / "scenarios" / "empowered_frontline.yaml", small),
    ]
    doubt = Doubt("supervisors.competency", 0.6, 0.95, "named")
    checks = check(scenarios, [doubt], 2, 42, jobs=2)
    assert [(k.value, k.replications) for k in checks] == [(0.6, 2), (0.95, 2)]
    assert {k.choice for k in checks} <= {"baseline", "empowered-frontline"}
