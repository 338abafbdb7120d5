"""Workforce: staff leave, posts stay empty for a while, and vacancies cost capacity."""

import pytest
from conftest import run_small

from cxsim.mechanisms.workforce import leaving_probability

TURNOVER = ("workforce.turnover_per_year=3", "workforce.hiring_delay_days=60")


def test_leaving_rises_with_pressure_and_falls_with_recognition():
    calm = leaving_probability(0.3, 0.0, 0.1, False, 0.4, 365)
    pressed = leaving_probability(0.3, 4.0, 0.1, False, 0.4, 365)
    recognised = leaving_probability(0.3, 0.0, 0.1, True, 0.4, 365)
    assert calm == pytest.approx(1 - 2.718281828 ** -0.3, rel=1e-6)
    assert recognised < calm < pressed


def test_constant_staff_by_default():
    model, kpi = run_small()
    assert all(s["leavers"] == 0 and s["vacancies_end"] == 0 for s in kpi["staff"].values())
    assert kpi["costs"]["hiring"] == 0


def test_leavers_are_replaced_after_a_delay_and_hiring_costs_money():
    model, kpi = run_small(*TURNOVER)
    frontline = kpi["staff"]["frontline"]
    assert frontline["leavers"] > 5 and frontline["hires"] > 0
    assert frontline["hires"] <= frontline["leavers"]
    assert kpi["costs"]["hiring"] == pytest.approx(
        5000 * sum(s["hires"] for s in kpi["staff"].values()))
    assert frontline["turnover_per_year"] > 1.0


def test_vacancies_reduce_capacity():
    model, churned = run_small(*TURNOVER, "contact_centre.aht_minutes=60")
    steady_model, steady = run_small("contact_centre.aht_minutes=60")
    series = model.datacollector.get_model_vars_dataframe()
    assert series["frontline_headcount"].min() < steady_model.headcount("frontline")
    assert churned["contact_centre"]["asa_minutes"] > steady["contact_centre"]["asa_minutes"]


def test_recognition_keeps_people_and_costs_money():
    _, plain = run_small(*TURNOVER)
    _, valued = run_small(*TURNOVER, "workforce.recognition=1")
    leavers = sum(s["leavers"] for s in plain["staff"].values())
    kept = sum(s["leavers"] for s in valued["staff"].values())
    assert kept < leavers
    assert valued["costs"]["recognition"] > 0 == plain["costs"]["recognition"]
