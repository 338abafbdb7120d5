"""Scenario files: the baseline is complete, and bad input is refused with a located message."""

import textwrap

import pytest
import yaml
from conftest import ROOT

from cxsim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parameter_changes,
    parameter_table,
    parse_overrides,
    shortcut_assignments,
    shortcut_conflicts,
)


def _flatten(data, prefix=""):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, list | tuple):
            yield from _flatten(dict(enumerate(value)), f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


# The schema's defaults keep the week around the clock (the Erlang validation needs it); the
# baseline is a business with office hours, holidays and a daily shape of demand.
WORKING_WEEK = (
    "calendar.holidays", "calendar.working_hours.", "contact_centre.opening_hours.",
    "channels.chat.opening_hours.", "contact_centre.arrival_profile.", "channels.email.agents",
    "channels.email.roster",
)  # fmt: skip


def test_baseline_sets_every_parameter_to_its_schema_default(baseline_path):
    """Every parameter is in the file; all but the working week at the schema's default."""
    in_file = dict(_flatten(yaml.safe_load(baseline_path.read_text())))
    defaults = dict(_flatten(Scenario().model_dump()))
    items = {k for k in in_file if k.startswith(("calendar.holidays.", "channels.email.roster."))}
    assert set(in_file) - items == set(defaults)
    differing = {k for k in defaults if k in in_file and in_file[k] != defaults[k]}
    assert all(k == "description" or k.startswith(WORKING_WEEK) for k in differing), differing


def test_baseline_comments_every_parameter(baseline_path):
    lines = [
        ln
        for ln in baseline_path.read_text().splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert all("  # " in ln for ln in lines)


def test_every_parameter_has_a_unit_a_description_and_numbers_have_a_range():
    for row in parameter_table():
        assert row["description"], row["key"]
        if row["key"].rsplit(".", 1)[-1] in ("name", "description"):
            continue
        assert row["unit"], row["key"]
        if isinstance(row["default"], (int, float)) and not isinstance(row["default"], bool):
            assert row["range"], row["key"]


def test_required_key_paths_exist(baseline_path):
    s = load_scenario(baseline_path)
    assert s.seed >= 0 and s.horizon.days > 0 and s.customers.initial >= 1000
    assert s.customers.arrival_rate_per_day > 0 and s.contact_centre.agents > 0
    assert s.frontline.empowerment_limit >= 0 and s.supervisors.count >= 1
    assert s.sales.verification is False


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("frontline:\n  agentz: 3\n", "frontline.agentz: unknown key"),
        ("contact_centre:\n  agents: three\n", "contact_centre.agents: expected a valid integer"),
        (
            "contact_centre:\n  agents: -2\n",
            "contact_centre.agents: expected greater than or equal",
        ),
        ("warmup:\n  days: 800\n", "warmup.days: expected less than horizon.days (730.0), got 800"),
        ("sales:\n  verification: maybe\n", "sales.verification: expected a valid boolean"),
        ("horizon:\n  days: 0\n", "horizon.days: expected greater than 0"),
        ("economics:\n  currency: pounds\n", "economics.currency: expected a three-letter ISO"),
        ('name: "a\\tb"\n', "name: expected text with more than spaces, without control"),
        ('name: "   "\n', "name: expected text with more than spaces, without control"),
        ("- a\n- b\n", "is not a scenario file (expected a mapping of keys"),
        ("frontline: [1\n", "not valid YAML (line"),
    ],
)
def test_bad_files_are_refused_with_file_key_and_expectation(tmp_path, body, expected):
    path = _write(tmp_path, "client.yaml", body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_extends_resolves_relative_to_the_file_and_overrides_a_few_keys(tmp_path, baseline_path):
    (tmp_path / "clients").mkdir()
    _write(tmp_path, "base.yaml", baseline_path.read_text())
    child = _write(
        tmp_path / "clients",
        "acme.yaml",
        """\
        extends: ../base.yaml
        name: acme
        frontline:
          empowerment_limit: 500
        """,
    )
    s = load_scenario(child)
    assert s.name == "acme" and s.frontline.empowerment_limit == 500
    assert s.contact_centre.agents == Scenario().contact_centre.agents


@pytest.mark.parametrize("index", ["0", '"0"'])
def test_a_numbered_key_changes_that_item_of_the_parent_list(tmp_path, index):
    """YAML reads an unquoted 0 as a number: it addresses the item as "0" does."""
    child = _write(
        tmp_path,
        "lean.yaml",
        f"""\
        extends: surveys.yaml
        surveys:
          {index}:
            sample_share: 0.5
        """,
    )
    surveys = load_scenario(child).surveys
    assert [s.kind for s in surveys] == ["post_case", "relationship"]
    assert surveys[0].sample_share == 0.5
    bad = _write(
        tmp_path, "bad.yaml", f"extends: surveys.yaml\nsurveys:\n  {index}:\n    sample_share: 7\n"
    )
    with pytest.raises(ScenarioError, match=r"bad\.yaml:4: surveys\.0\.sample_share"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match=r"training\.3: the list has no items to change"):
        load_scenario(ROOT / "scenarios" / "baseline.yaml", ["training.3.skill_gain=0.2"])
    with pytest.raises(ScenarioError, match=r"surveys\.2: expected an index below 2"):
        load_scenario(child, ["surveys.2.sample_share=0.2"])


def test_extends_cycles_are_refused(tmp_path):
    _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="cycle a.yaml -> b.yaml -> a.yaml"):
        load_scenario(tmp_path / "a.yaml")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_set_overrides_are_typed_and_validated_like_the_file(baseline_path):
    s = load_scenario(
        baseline_path, ["frontline.empowerment_limit=250", "sales.verification=true"], seed=9
    )
    assert s.frontline.empowerment_limit == 250.0 and s.sales.verification is True
    assert s.seed == 9
    with pytest.raises(ScenarioError, match=r"\(--set\): contact_centre.agents: expected"):
        load_scenario(baseline_path, ["contact_centre.agents=-1"])
    with pytest.raises(ScenarioError, match="expected key.path=value"):
        parse_overrides(["contact_centre.agents"])
    days = shortcut_assignments(horizon__days=20.0, seed=None)
    with pytest.raises(ScenarioError, match=r"horizon.days=10: contradicts the shortcut for hor"):
        shortcut_conflicts(["horizon.days=10"], days)  # the command line's --set and --days
    shortcut_conflicts(["horizon.days=20", "seed=3"], days)
    twice = ["horizon.days=10", "horizon.days=30"]  # a script appending its own --set
    assert load_scenario(baseline_path, twice).horizon.days == 30


def test_what_an_option_changes_is_every_parameter_it_sets_otherwise(baseline_path):
    today = load_scenario(baseline_path)
    option = load_scenario(
        baseline_path, ["name=other", "seed=7", "contact_centre.agents=14", "customers.initial=600"]
    )
    assert parameter_changes(today, option) == {
        "customers.initial": (1000, 600),
        "contact_centre.agents": (10, 14),
    }  # in the schema's order; the name and the seed are not changes
    trained = load_scenario(ROOT / "scenarios" / "frontline_training.yaml")
    assert list(parameter_changes(today, trained)) == ["training.0"]  # an item added is one
    assert parameter_changes(trained, today)["training.0"][1] is None


def test_parameter_hash_ignores_the_name_but_not_the_values():
    a = Scenario()
    assert a.parameter_hash() == Scenario(name="other").parameter_hash()
    assert a.parameter_hash() != Scenario(seed=1).parameter_hash()


def test_scenario_files_never_execute_code(tmp_path):
    path = _write(tmp_path, "evil.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(path)


def test_a_scenario_sent_to_a_worker_keeps_its_values_and_fast_field_names(baseline_path):
    # worker processes receive scenarios by pickle; CPython's fast attribute lookup needs the
    # field names interned, which a plain unpickle does not do (a run was 8% slower)
    import pickle
    import sys

    original = load_scenario(baseline_path, ["shocks=[{kind: demand_pulse, start_day: 10}]"])
    copy = pickle.loads(pickle.dumps(original))
    assert copy == original
    blocks = [
        copy,
        *(
            getattr(copy, name)
            for name in type(copy).model_fields
            if hasattr(getattr(copy, name), "__dict__")
        ),
        *copy.shocks,
        *copy.customers.segments,
    ]
    assert len(blocks) > 10
    assert all(key is sys.intern(key) for block in blocks for key in vars(block))
