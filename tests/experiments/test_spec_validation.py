"""A spec is checked whole before anything runs; conditions that would merge are rejected."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.experiments import ExperimentSpec
from edusim.experiments.spec import SpecError

TUTOR = "edusim/Tutor-v0"
BASE = {"envs": [TUTOR], "teachers": ["random"], "seeds": 1}


@pytest.mark.parametrize(("change", "reason"), [
    ({"envs": [TUTOR, {"id": TUTOR, "kwargs": {"learner": "logistic"}}]},
     r"envs\[0\] and envs\[1\] would merge into one condition: both are 'edusim/Tutor-v0'"),
    ({"envs": [{"id": TUTOR, "label": "a/b"}, {"id": TUTOR, "label": "a_b"}]},
     r"'a/b' and 'a_b' share the file name 'a_b'"),
    ({"envs": [{"id": TUTOR, "label": ".."}]}, r"envs\[0\]: label '\.\.' cannot name a folder"),
    ({"teachers": ["random", "random"]}, r"teachers\[0\] and teachers\[1\] would merge"),
    ({"seeds": [0, 0, 1]}, r"'seeds' lists \[0\] more than once"),
    ({"seeds": [True]}, r"'seeds' must be"),
    ({"seeds": [-1]}, r"'seeds' must be >= 0"),
    ({"episodes": True}, r"'episodes' must be a positive integer"),
    ({"envs": [{"id": TUTOR, "kwargs": 5}]}, r"envs\[0\]\.kwargs must be a table"),
    ({"envs": [{"id": TUTOR, "label": 5}]}, r"envs\[0\]\.label must be a non-empty string"),
    ({"teachers": [{"name": "random", "config": [1]}]}, r"teachers\[0\]\.config must be a table"),
    ({"resources": {"num_cpus": -1}}, r"resources\.num_cpus must be a number >= 0"),
    ({"resources": {"cpus": 1}}, r"resources has unknown field\(s\) \['cpus'\]"),
    ({"envs": [TUTOR, {"kwargs": {}}]}, r"envs\[1\] needs an 'id'"),
    ({"teachers": [5]}, r"teachers\[0\] needs a 'name'"),
    ({"envs": [{"id": TUTOR, "config": {}}]}, r"envs\[0\] has unknown field\(s\) \['config'\]"),
    ({"teachers": [{"name": "random", "kwargs": {}}]},
     r"teachers\[0\] has unknown field\(s\) \['kwargs'\]"),
])
def test_parser_rejects_merging_and_mistyped_fields(change, reason):
    with pytest.raises(SpecError, match=reason):
        ExperimentSpec.from_dict({**BASE, **change}, "grid.toml")


def test_entries_are_read_by_their_section_fields():
    spec = ExperimentSpec.from_dict({**BASE, "envs": [{"id": TUTOR, "kwargs": {"n": 2}}],
                                     "teachers": ["random", {"name": "random", "label": "r2"}]})
    assert [(e.id, e.kwargs, e.title) for e in spec.envs] == [(TUTOR, {"n": 2}, TUTOR)]
    assert [(t.name, t.title) for t in spec.teachers] == [("random", "random"), ("random", "r2")]


def test_resources_are_read_from_the_spec():
    spec = ExperimentSpec.from_dict({**BASE, "resources": {"num_cpus": 2, "num_gpus": 0.5}})
    assert (spec.resources.num_cpus, spec.resources.num_gpus) == (2.0, 0.5)


@pytest.mark.parametrize(("bad", "message"), [
    ({"envs": [TUTOR, "edusim/Nope-v0"]}, "envs[1].id: "),
    ({"envs": [TUTOR, {"id": TUTOR, "label": "x", "kwargs": {"lerner": "bkt"}}]},
     "envs[1].kwargs: TutorEnv got an unknown argument 'lerner'; valid arguments: curriculum,"),
    ({"envs": [TUTOR, {"id": TUTOR, "label": "x", "kwargs": {"learner": "nope"}}]},
     "envs[1] (x): cannot build it: "),
    ({"envs": [{"id": TUTOR, "kwargs": 5}]}, "envs[0].kwargs must be a table"),
    ({"envs": [{"id": TUTOR, "label": 5}]}, "envs[0].label must be a non-empty string"),
    ({"teachers": ["random", "nope"]}, "teachers[1].name: unknown teacher 'nope'"),
    ({"teachers": ["random", "ppo"]}, "teachers[1] (ppo) cannot act in envs[0] "
     "(edusim/Tutor-v0): the ppo teacher plays a trained policy: pass path="),
    ({"teachers": [{"name": "mastery-threshold", "config": {"treshold": 0.9}}]},
     "teachers[0] (mastery-threshold) cannot act in envs[0]"),
])
def test_run_rejects_the_spec_in_one_line_before_any_trial(tmp_path, bad, message):
    spec = tmp_path / "grid.json"
    spec.write_text(json.dumps({**BASE, **bad}))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(spec), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith(f"error: {spec}: ") and "\n" not in line, result.output
    assert message in line
    assert not (out / "jobs").exists()  # nothing ran, not even the valid first env


def test_unknown_run_option_value_is_refused(tmp_path):
    spec = tmp_path / "grid.json"
    spec.write_text(json.dumps(BASE))
    result = CliRunner().invoke(app, ["run", str(spec), "--out", str(tmp_path / "o"),
                                      "--retries", "-1"])
    assert result.exit_code != 0 and not (tmp_path / "o").exists()
