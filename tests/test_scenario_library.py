"""Every shipped scenario file loads, and every library scenario runs."""

from pathlib import Path

import pytest

from cxsim.runner import simulate
from cxsim.scenario import assumptions, load_scenario, with_overrides

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
LIBRARY = sorted(SCENARIOS.glob("*.yaml"))
ALL = sorted(SCENARIOS.rglob("*.yaml"))


def test_the_library_has_at_least_twelve_levers():
    assert len([p for p in LIBRARY if p.name != "baseline.yaml"]) >= 12


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_file_loads_and_explains_itself(path):
    params = load_scenario(path)
    assert params.name and params.description
    assert path.read_text().startswith("#")  # a comment saying why
    listed = [row["key"] for row in assumptions(params)]  # the board report's appendix
    assert listed and all(params.surveys or not k.startswith("surveys") for k in listed)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_library_scenario_runs(path):
    params = with_overrides(load_scenario(path), ["horizon.days=30", "customers.initial=150"])
    model = simulate(params)
    assert model.time == 30 and model.recorder.cases
