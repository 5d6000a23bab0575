"""Experiment specifications: environments x teachers x seeds, read from TOML or JSON.

Example spec (TOML)::

    name = "tutor-baselines"
    seeds = 10                 # or a list of seeds
    episodes = 1

    [[envs]]
    id = "edusim/Tutor-v0"
    label = "tutor-bkt"

    [[envs]]
    id = "edusim/Tutor-v0"
    label = "tutor-logistic"
    kwargs = { learner = "logistic", heterogeneity = 0.8 }

    [[teachers]]
    name = "random"

    [[teachers]]
    name = "mastery-threshold"
    config = { threshold = 0.9 }
    label = "mastery-0.9"

    [resources]                # per trial, on Ray
    num_cpus = 1
    num_gpus = 0

    [report]                   # optional: a grid-wide report (edusim.experiments.reports)
    kind = "robust-matrix"

Every condition must be distinct: two envs (or teachers) with the same title, titles that
share a file name (``a/b`` and ``a_b``) and repeated seeds are rejected with the reason.
Whatever the file holds, reading it either gives a spec or raises :class:`SpecError` naming
the file and the field (:mod:`edusim.experiments.spec_file` reads and checks the document).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from edusim.experiments.reports import ReportSpec, report_spec
from edusim.experiments.spec_file import check_document, read_document, shown

__all__ = ["EnvSpec", "ExperimentSpec", "MAX_TITLE_BYTES", "MAX_TRIALS", "Resources",
           "SpecError", "Job", "TeacherSpec", "safe_name"]


C = TypeVar("C", "EnvSpec", "TeacherSpec")

#: The most trials (envs x teachers x seeds) in one grid: its job list is built in memory
#: before any trial runs.
MAX_TRIALS = 1_000_000
#: The longest title's file name, in UTF-8 bytes: a job's file name holds an env title, a
#: teacher title, a seed and a digest, and with its temporary suffix must stay under 255.
MAX_TITLE_BYTES = 96
#: Seeds are stored as 64-bit integers in the results tables.
_MAX_SEED = 2**63 - 1


class SpecError(ValueError):
    """A malformed experiment specification; the message names the file and the field."""


def safe_name(title: str) -> str:
    """``title`` as a file or folder name: letters, digits, ``-`` and ``.``; the rest ``_``.

    Example:
        >>> safe_name("tutor/bkt 0.9")
        'tutor_bkt_0.9'
    """
    return "".join(c if c.isalnum() or c in "-." else "_" for c in title)


@dataclass(frozen=True)
class Resources:
    """What one trial needs from a Ray node (``[resources]`` in the spec)."""

    num_cpus: float = 1.0
    num_gpus: float = 0.0


class _Condition:
    """What :class:`EnvSpec` and :class:`TeacherSpec` share: each is one spec section's entry,
    a required registered name (``_key``), a keyword table (``_table``) and an optional label.
    """

    _section: ClassVar[str]
    _key: ClassVar[str]
    _table: ClassVar[str]
    label: str | None

    @property
    def title(self) -> str:
        """The name used in tables and folders: the label, else the registered name."""
        return self.label or getattr(self, self._key)


@dataclass(frozen=True)
class TeacherSpec(_Condition):
    """A teacher to evaluate: registry name, configuration and the label used in tables."""

    _section, _key, _table = "teachers", "name", "config"
    name: str
    config: dict[str, Any] = field(default_factory=dict)
    label: str | None = None

    @classmethod
    def of(cls, teacher: str | tuple[str, dict] | TeacherSpec) -> TeacherSpec:
        """Accepts a name, a ``(name, config)`` pair or a spec."""
        if isinstance(teacher, TeacherSpec):
            return teacher
        if isinstance(teacher, str):
            return cls(teacher)
        name, config = teacher
        return cls(name, dict(config))


@dataclass(frozen=True)
class EnvSpec(_Condition):
    """One environment of the grid: a registered id, its kwargs, and a label for tables."""

    _section, _key, _table = "envs", "id", "kwargs"
    id: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    label: str | None = None


@dataclass(frozen=True)
class Job:
    """One (environment, teacher, seed) cell of the grid."""

    env: EnvSpec
    teacher: TeacherSpec
    seed: int
    episodes: int

    @property
    def key(self) -> str:
        """A stable file-name-safe identifier of the job's full configuration."""
        payload = json.dumps(
            [self.env.id, self.env.kwargs, self.teacher.name, self.teacher.config,
             self.seed, self.episodes],
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha1(payload.encode()).hexdigest()[:12]
        return f"{safe_name(f'{self.env.title}-{self.teacher.title}-{self.seed}')}-{digest}"


@dataclass(frozen=True)
class ExperimentSpec:
    """A grid of environments x teachers x seeds, each run for ``episodes`` episodes."""

    name: str
    envs: tuple[EnvSpec, ...]
    teachers: tuple[TeacherSpec, ...]
    seeds: tuple[int, ...]
    episodes: int = 1
    resources: Resources = field(default_factory=Resources)
    report: ReportSpec | None = None

    def jobs(self) -> list[Job]:
        """Every cell of the grid, in a stable order."""
        return [
            Job(env, teacher, seed, self.episodes)
            for env in self.envs
            for teacher in self.teachers
            for seed in self.seeds
        ]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> ExperimentSpec:
        """Validate and build a spec; errors name ``source`` and the offending field."""
        def fail(message: str) -> SpecError:
            return SpecError(f"{source}: {message}")

        check_document(data, source)
        unknown = set(data) - {"name", "envs", "teachers", "seeds", "episodes", "resources",
                               "report"}
        if unknown:
            raise fail(f"unknown top-level field(s) {shown(sorted(unknown))}")
        envs = _conditions(EnvSpec, data, fail)
        teachers = _conditions(TeacherSpec, data, fail)
        _distinct([e.title for e in envs], "envs", fail)
        _distinct([t.title for t in teachers], "teachers", fail)
        seeds = _seeds(data.get("seeds", 5), fail)
        if len(envs) * len(teachers) * len(seeds) > MAX_TRIALS:
            raise fail(f"{len(envs)} envs x {len(teachers)} teachers x {len(seeds)} seeds is "
                       f"over {MAX_TRIALS:,} trials")
        episodes = data.get("episodes", 1)
        if not _is_int(episodes) or episodes < 1:
            raise fail(f"'episodes' must be a positive integer, got {shown(episodes)}")
        name = data.get("name", Path(source).stem)
        if not isinstance(name, str):
            raise fail(f"'name' must be a string, got {shown(name)}")
        _distinct_files(envs, teachers, seeds[0], episodes, fail)
        resources = _resources(data.get("resources", {}), fail)
        report = report_spec(data["report"], source) if "report" in data else None
        return cls(name, envs, teachers, seeds, episodes, resources, report)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExperimentSpec:
        """Read a ``.toml`` or ``.json`` spec file; any bad file raises :class:`SpecError`."""
        path = Path(path)
        return cls.from_dict(read_document(path), str(path))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seeds(value: Any, fail) -> tuple[int, ...]:
    if _is_int(value) and 1 <= value <= MAX_TRIALS:
        return tuple(range(value))
    if not isinstance(value, list) or not value or not all(_is_int(s) for s in value):
        raise fail(f"'seeds' must be a positive integer (at most {MAX_TRIALS:,}) or a non-empty "
                   f"list of integers, got {shown(value)}")
    if min(value) < 0:
        raise fail(f"'seeds' must be >= 0, got {min(value)}")
    if max(value) > _MAX_SEED:
        raise fail(f"'seeds' must be < 2**63 (results store 64-bit integers), got "
                   f"{shown(max(value))}")
    twice = sorted(s for s, n in Counter(value).items() if n > 1)
    if twice:
        raise fail(f"'seeds' lists {shown(twice)} more than once (each seed would run again "
                   "and duplicate its rows)")
    return tuple(value)


def _distinct(titles: list[str], key: str, fail) -> None:
    """Reject two conditions with one title, two titles that share one file name, and titles
    that cannot name a file or head a table."""
    seen: dict[str, int] = {}
    for i, title in enumerate(titles):
        folder = safe_name(title)
        if folder in ("", ".", ".."):
            raise fail(f"{key}[{i}]: label {shown(title)} cannot name a folder")
        if not title.isprintable():  # it heads tables and messages
            raise fail(f"{key}[{i}]: title {shown(title)} must be printable text on one line")
        if len(folder.encode()) > MAX_TITLE_BYTES:
            raise fail(f"{key}[{i}]: title {shown(title)} is too long for a file name "
                       f"({len(folder.encode())} bytes in UTF-8, at most {MAX_TITLE_BYTES}); "
                       "give it a shorter 'label'")
        if folder in seen:
            j = seen[folder]
            same = titles[j] == title
            why = f"both are {shown(title)}" if same else (
                f"{shown(titles[j])} and {shown(title)} share the file name {shown(folder)}")
            raise fail(f"{key}[{j}] and {key}[{i}] would merge into one condition: {why}; "
                       "give each a distinct 'label'")
        seen[folder] = i


def _distinct_files(envs, teachers, seed: int, episodes: int, fail) -> None:
    """Reject two (env, teacher) pairs whose trials would write one file: ``e`` x ``t-1`` and
    ``e-t`` x ``1`` of one configuration (the later one's rows would replace the other's)."""
    seen: dict[str, str] = {}
    for i, env in enumerate(envs):
        for j, teacher in enumerate(teachers):
            key, pair = Job(env, teacher, seed, episodes).key, f"envs[{i}] x teachers[{j}]"
            if key in seen:
                raise fail(f"{seen[key]} and {pair} would write one result file, "
                           f"jobs/{key}.parquet; give one of them a distinct 'label'")
            seen[key] = pair


def _resources(value: Any, fail) -> Resources:
    if not isinstance(value, Mapping):
        raise fail(f"'resources' must be a table, got {shown(value)}")
    extra = set(value) - {"num_cpus", "num_gpus"}
    if extra:
        raise fail(f"resources has unknown field(s) {shown(sorted(extra))}; use num_cpus, "
                   "num_gpus")
    for key, amount in value.items():
        if (isinstance(amount, bool) or not isinstance(amount, int | float)
                or not 0 <= amount <= sys.float_info.max):  # NaN and infinity fail too
            raise fail(f"resources.{key} must be a number >= 0 and finite, got {shown(amount)}")
    return Resources(**{k: float(v) for k, v in value.items()})


def _table(entry: Mapping, key: str, where: str, fail) -> dict[str, Any]:
    value = entry.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(f"{where}.{key} must be a table of keyword arguments, got {shown(value)}")
    return dict(value)


def _text(entry: Mapping, key: str, where: str, fail, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise fail(f"{where}.{key} must be a non-empty string, got {shown(value)}")
    return value


def _list(data: Mapping, key: str, fail) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise fail(f"'{key}' must be a non-empty list of tables")
    return value


def _conditions(cls: type[C], data: Mapping, fail) -> tuple[C, ...]:
    """The entries of ``cls``'s section: each a bare name or a table of the three fields."""
    return tuple(_condition(cls, e, i, fail) for i, e in enumerate(_list(data, cls._section, fail)))


def _condition(cls: type[C], entry: Any, index: int, fail) -> C:
    where, key = f"{cls._section}[{index}]", cls._key
    if isinstance(entry, str):  # a bare name: checked as the table {key: name} is
        entry = {key: entry}
    if not isinstance(entry, Mapping) or key not in entry:
        raise fail(f"{where} needs {'an' if key[0] in 'aeiou' else 'a'} '{key}'")
    extra = set(entry) - {key, cls._table, "label"}
    if extra:
        raise fail(f"{where} has unknown field(s) {shown(sorted(extra))}")
    return cls(_text(entry, key, where, fail, True), _table(entry, cls._table, where, fail),
               _text(entry, "label", where, fail))
