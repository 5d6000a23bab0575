"""Hostile experiment specs: the example grid with fields removed, renamed, added, duplicated or
replaced by values of other types (every field by each kind of value, then hypothesis),
written as TOML and JSON, mutated at random bytes, truncated or re-encoded.

Whatever the file, reading it and checking it up front (``ExperimentSpec.load``, then
``check_spec``; no trial runs) either gives a spec whose files can all be written, or raises
one :class:`SpecError` line naming the file and the entry (:func:`spec_mutations.judge`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from edusim.cli import app
from edusim.experiments.spec import ExperimentSpec, SpecError
from edusim.experiments.spec_file import shown
from edusim.experiments.validate import check_spec

from .spec_mutations import BASE, BASE_TOML, PATHS, SPECIAL, changed, edit, edits, judge, write

HYPOTHESIS = settings(max_examples=40, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])
suffixes = st.sampled_from([".toml", ".json"])


def _named(outcome, names: tuple[str, ...], change) -> None:
    """A SpecError from one change names the changed entry (a TOML file may instead be refused
    at its line: TOML has no lone surrogates)."""
    if isinstance(outcome, SpecError) and names and "cannot parse" not in str(outcome):
        assert any(n in str(outcome) or shown(n) in str(outcome) for n in names), (
            change, str(outcome))


def test_the_base_spec_is_valid(tmp_path):
    (tmp_path / "base.toml").write_text(BASE_TOML, encoding="utf-8")
    for path in (tmp_path / "base.toml", write(BASE, tmp_path / "grid.toml"),
                 write(BASE, tmp_path / "grid.json")):
        assert isinstance(judge(lambda p=path: ExperimentSpec.load(p), str(path), check_spec),
                          ExperimentSpec)


@pytest.mark.parametrize("value", SPECIAL, ids=[shown(v)[:20] for v in SPECIAL])
def test_every_field_replaced_by_each_hostile_value(value):
    """The parser alone (fast enough for every field x every value)."""
    key = value if isinstance(value, str) else "extra"  # the name of a field added or renamed
    for path in PATHS:
        for op in ("replace", "add", "rename"):
            doc, names = changed((op, path, key, value))
            _named(judge(lambda d=doc: ExperimentSpec.from_dict(d, "grid.toml"), "grid.toml"),
                   names, (op, path, value))


#: One env and one teacher whose every field ``check_spec`` resolves (imports, registries,
#: building the env and the teacher on it).
SMALL = {"envs": [{"id": "edusim/Tutor-v0", "kwargs": {"learner": "logistic", "window": 4}}],
         "teachers": [{"name": "mastery-threshold", "config": {"threshold": 0.9}}], "seeds": 1}
RESOLVED = [("envs", 0, "id"), ("envs", 0, "kwargs"), ("envs", 0, "kwargs", "learner"),
            ("envs", 0, "kwargs", "window"), ("teachers", 0, "name"), ("teachers", 0, "config"),
            ("teachers", 0, "config", "threshold")]


@pytest.mark.parametrize("path", RESOLVED, ids=lambda p: ".".join(map(str, p)))
def test_resolved_fields_take_each_hostile_value_up_front(path):
    for value in SPECIAL:
        doc, names = changed(("replace", path, "", value), SMALL)
        _named(judge(lambda d=doc: ExperimentSpec.from_dict(d, "g.toml"), "g.toml", check_spec),
               names, (path, value))


@HYPOTHESIS
@given(change=edits, suffix=suffixes)
def test_one_changed_field_is_named_up_front(tmp_path_factory, change, suffix):
    doc, names = changed(change)
    path = write(doc, tmp_path_factory.mktemp("spec") / f"grid{suffix}")
    _named(judge(lambda: ExperimentSpec.load(path), str(path), check_spec), names, change)


@HYPOTHESIS
@given(changes=st.lists(edits, min_size=2, max_size=5), suffix=suffixes)
def test_many_changed_fields_give_a_spec_or_a_spec_error(tmp_path_factory, changes, suffix):
    doc, _ = changed(changes[0])
    for change in changes[1:]:
        edit(doc, change)
    path = write(doc, tmp_path_factory.mktemp("spec") / f"grid{suffix}")
    judge(lambda: ExperimentSpec.load(path), str(path), check_spec)


TOKENS = [b"\n", b"\r\n", b'"', b"'", b"[", b"]]", b"{", b"=", b"\x00", b"\xff\xfe", b"\xe9",
          b"\xef\xbb\xbf", b"nan", b"9" * 30, b"[[envs]]\n", b"seeds = 1\n", b"\\u", b"\\"]
byte_edits = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 10_000),
              st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=6), st.integers(1, 40)),
    max_size=4,
)


@HYPOTHESIS
@given(changes=byte_edits, cut=st.none() | st.integers(0), suffix=suffixes,
       encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]))
def test_mangled_bytes_give_a_spec_or_a_spec_error(tmp_path_factory, changes, cut, suffix,
                                                  encoding):
    text = BASE_TOML if suffix == ".toml" else json.dumps(BASE, indent=1, ensure_ascii=False)
    data = text.encode(encoding)
    for op, where, payload, length in changes:
        at = where % (len(data) + 1)
        rest = data[at + (length if op == "delete" else len(payload) if op == "replace" else 0):]
        data = data[:at] + (b"" if op == "delete" else payload) + rest
    path = tmp_path_factory.mktemp("spec") / f"grid{suffix}"
    path.write_bytes(data if cut is None else data[:cut % (len(data) + 1)])
    judge(lambda: ExperimentSpec.load(path), str(path), check_spec)


# Each defect the suite found, pinned by the input that found it (before the fix: the
# exception named, or a spec accepted that failed after trials had run).
MINI = {"envs": ["edusim/Tutor-v0"], "teachers": ["random"], "seeds": 1}
TUTOR = "edusim/Tutor-v0"


def _json(**change) -> bytes:
    return json.dumps({**MINI, **change}).encode()


def _labels(envs, teachers) -> bytes:
    return _json(envs=[{"id": TUTOR, "label": e} for e in envs],
                 teachers=[{"name": "random", "label": t} for t in teachers])


FOUND = [  # (id, file name, bytes, what the one line says)
    ("latin-1", "grid.toml", 'name = "café"\n'.encode("latin-1"),  # UnicodeDecodeError
     "not UTF-8 text (byte 11 is 0xe9)"),
    ("utf-16", "grid.toml", BASE_TOML.encode("utf-16"), "not UTF-8 text (byte 0 is 0xff)"),
    ("json-list-of-tables", "grid.json", b"[{}]", "a spec is a table of fields"),  # TypeError
    ("json-null", "grid.json", b"null", "a spec is a table of fields"),  # TypeError
    ("json-text", "grid.json", b'"envs"', "a spec is a table"),  # 'e', 'n', 's', 'v' unknown
    ("deep-json", "grid.json", b"[" * 100_000, "cannot parse (nested too deeply)"),  # Recursion
    ("deep-toml", "grid.toml", b"a = " + b"[" * 100_000, "cannot parse (nested too deeply)"),
    ("json-key-twice", "grid.json", _json()[:-1] + b', "seeds": [0, 1]}',  # last one won
     "cannot parse (key 'seeds' appears twice in one table)"),
    ("relative-module-id", "grid.json", _json(envs=["..:X-v0"]),  # TypeError from importlib
     "envs[0].id: cannot import '..': the 'package' argument is required"),
    ("escape-in-id", "grid.json", _json(envs=[{"id": "x\x1b[2J-v0", "label": "x"}]),  # raw ESC
     "envs[0].id: Malformed environment ID: x\\x1b[2J-v0."),
    ("huge-cpus", "grid.json", _json()[:-1] + b', "resources": {"num_cpus": 1' + b"0" * 400 + b"}}",
     "resources.num_cpus must be a number >= 0 and finite, got <a 1329-bit integer>"),  # Overflow
    ("infinite-cpus", "grid.toml", b'envs = ["edusim/Tutor-v0"]\nteachers = ["random"]\n'
     b"[resources]\nnum_cpus = inf\n", "resources.num_cpus must be a number >= 0 and finite"),
    ("long-label", "grid.json", _labels(["x" * 300], ["r"]),  # OSError after the first trial
     "envs[0]: title 'xxxx"),
    ("cjk-label", "grid.json", _labels(["学" * 40], ["r"]), "(120 bytes in UTF-8, at most 96)"),
    ("surrogate-label", "grid.json", _labels(["a\ud800"], ["r"]),  # UnicodeEncodeError at the end
     "envs[0].label: 'a\\ud800' is not valid Unicode text"),
    ("newline-label", "grid.json", _json(teachers=[{"name": "ppo", "label": "a\nb"}]),  # 2 lines
     "teachers[0]: title 'a\\nb' must be printable text on one line"),
    ("seed-over-int64", "grid.json", _json(seeds=[2**70]),  # OverflowError writing results
     "'seeds' must be < 2**63"),
    ("seed-column-float", "grid.json", _json(seeds=[0, 2**63]), "'seeds' must be < 2**63"),
    ("seed-count-huge", "grid.toml", b'envs = ["edusim/Tutor-v0"]\nteachers = ["random"]\n'
     b"seeds = 9223372036854775807\n", "'seeds' must be a positive integer (at most 1,000,000)"),
    ("too-many-trials", "grid.json", _json(envs=[TUTOR, {"id": TUTOR, "label": "b"}],
                                          seeds=600_000), "2 envs x 1 teachers x 600000 seeds"),
    ("shared-job-file", "grid.json", _labels(["e", "e-t"], ["t-1", "1"]),  # rows replaced
     "envs[0] x teachers[0] and envs[1] x teachers[1] would write one result file"),
    ("long-env-error", "grid.json",
     _json(envs=[{"id": TUTOR, "kwargs": {"curriculum": "c" * 5000}}]),  # 5,000 characters
     "envs[0] (edusim/Tutor-v0): cannot build it: unknown built-in curriculum ..."),
]


def _spec_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data", "says"), [f[1:] for f in FOUND],
                         ids=[f[0] for f in FOUND])
def test_found_defect_is_one_spec_error(tmp_path, name, data, says):
    path = _spec_file(tmp_path, name, data)
    outcome = judge(lambda: ExperimentSpec.load(path), str(path), check_spec)
    assert isinstance(outcome, SpecError) and says in str(outcome), outcome


def test_a_folder_or_an_endless_file_is_refused_by_name(tmp_path):
    (tmp_path / "folder.toml").mkdir()  # IsADirectoryError
    with pytest.raises(SpecError, match=r"folder\.toml: cannot read it \(Is a directory\)"):
        ExperimentSpec.load(tmp_path / "folder.toml")
    if Path("/dev/zero").exists():  # read_text() would fill the memory
        (tmp_path / "zero.toml").symlink_to("/dev/zero")
        with pytest.raises(SpecError, match=r"zero\.toml: larger than 16 MiB"):
            ExperimentSpec.load(tmp_path / "zero.toml")


def test_parser_bounds_what_a_dict_may_hold():
    deep: dict = {"b": 1}
    for _ in range(3000):  # Job.key's json.dumps raised RecursionError
        deep = {"a": deep}
    with pytest.raises(SpecError, match=r"envs\[0\]\.kwargs\.a\.a.*nested deeper than 32"):
        ExperimentSpec.from_dict({**MINI, "envs": [{"id": TUTOR, "kwargs": deep}]}, "g.toml")
    seeds = [*range(200_000), 7]  # a quadratic duplicate check took minutes on this list
    with pytest.raises(SpecError, match=r"'seeds' lists \[7\] more than once"):
        ExperimentSpec.from_dict({**MINI, "seeds": seeds}, "g.toml")


THROUGH_CLI = ["latin-1", "json-list-of-tables", "deep-json", "relative-module-id", "huge-cpus",
               "newline-label", "seed-over-int64", "shared-job-file"]


@pytest.mark.parametrize(("name", "data"), [f[1:3] for f in FOUND if f[0] in THROUGH_CLI],
                         ids=[f[0] for f in FOUND if f[0] in THROUGH_CLI])
def test_run_refuses_a_hostile_spec_in_one_line_and_writes_nothing(tmp_path, name, data):
    path, out = _spec_file(tmp_path, name, data), tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.output
    assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and not out.exists()
