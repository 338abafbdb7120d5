"""Property tests: any scenario document, --set string or experiment file either loads or
raises the project's own error with one line; never another exception."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from conftest import BASELINE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxsim.errors import CxsimError
from cxsim.experiment import load_experiment
from cxsim.scenario import Scenario, load_scenario, parameter_table, with_overrides

KEYS = sorted(
    {part for row in parameter_table() for part in row["key"].split(".")}
    | {"extends", "segments", "levels", "low", "high", "kind"}
)
key = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
document = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=5)),
    max_leaves=25,
)
SETTINGS = settings(
    max_examples=int(os.environ.get("CXSIM_PROPERTY_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _one_line(error: CxsimError) -> None:
    message = str(error)
    assert message and "\n" not in message and len(message) < 600


def _load(path: Path) -> None:
    try:
        assert isinstance(load_scenario(path), Scenario)
    except CxsimError as error:
        _one_line(error)


@SETTINGS
@given(data=st.dictionaries(key, document, max_size=6), extends=st.booleans())
def test_any_scenario_document_loads_or_says_why_in_one_line(tmp_path, data, extends):
    if extends:
        data = {"extends": str(BASELINE), **data}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    _load(path)


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_file_loads_or_says_why_in_one_line(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load(path)


@SETTINGS
@given(
    assignments=st.lists(
        st.one_of(
            st.text(max_size=40),
            st.builds(
                lambda k, v: f"{k}={v}",
                st.sampled_from([r["key"].replace("[]", ".0") for r in parameter_table()]),
                st.text(max_size=20),
            ),
        ),
        max_size=4,
    )
)
def test_any_set_strings_apply_or_say_why_in_one_line(assignments):
    try:
        assert isinstance(with_overrides(Scenario(), assignments), Scenario)
    except CxsimError as error:
        _one_line(error)


factor = st.dictionaries(
    st.sampled_from(["levels", "low", "high", "mode", "distribution", "integer", "oops"]),
    document,
    max_size=3,
)
experiment = st.fixed_dictionaries(
    {"name": st.one_of(st.text(max_size=20), scalar), "base": st.just(str(BASELINE))},
    optional={
        "factors": st.dictionaries(
            st.sampled_from(["supervisors.count", "frontline.empowerment_limit", "nonsense"]),
            factor,
            max_size=2,
        ),
        "design": st.dictionaries(
            st.sampled_from(["kind", "samples", "levels"]), document, max_size=2
        ),
        "replications": scalar,
        "seed": scalar,
        "kpis": document,
        "fixed": document,
    },
)


@SETTINGS
@given(data=experiment)
def test_any_experiment_file_loads_or_says_why_in_one_line(tmp_path, data):
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        load_experiment(path)
    except CxsimError as error:
        _one_line(error)
