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
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from edusim.experiments.reports import ReportSpec, report_spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["EnvSpec", "ExperimentSpec", "Resources", "SpecError", "Job", "TeacherSpec",
           "safe_name"]


C = TypeVar("C", "EnvSpec", "TeacherSpec")


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

        unknown = set(data) - {"name", "envs", "teachers", "seeds", "episodes", "resources",
                               "report"}
        if unknown:
            raise fail(f"unknown top-level field(s) {sorted(unknown)}")
        envs = _conditions(EnvSpec, data, fail)
        teachers = _conditions(TeacherSpec, data, fail)
        _distinct([e.title for e in envs], "envs", fail)
        _distinct([t.title for t in teachers], "teachers", fail)
        seeds = _seeds(data.get("seeds", 5), fail)
        episodes = data.get("episodes", 1)
        if not _is_int(episodes) or episodes < 1:
            raise fail(f"'episodes' must be a positive integer, got {episodes!r}")
        name = data.get("name", Path(source).stem)
        if not isinstance(name, str):
            raise fail(f"'name' must be a string, got {name!r}")
        resources = _resources(data.get("resources", {}), fail)
        report = report_spec(data["report"], source) if "report" in data else None
        return cls(name, envs, teachers, seeds, episodes, resources, report)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExperimentSpec:
        """Read a ``.toml`` or ``.json`` spec file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError(f"spec file not found: {path}") from None
        try:
            if path.suffix == ".toml":
                data = tomllib.loads(text)
            elif path.suffix == ".json":
                data = json.loads(text)
            else:
                raise SpecError(f"{path}: spec files are .toml or .json")
        except ValueError as exc:
            if isinstance(exc, SpecError):
                raise
            raise SpecError(f"{path}: cannot parse ({exc})") from None
        return cls.from_dict(data, str(path))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seeds(value: Any, fail) -> tuple[int, ...]:
    if _is_int(value) and value >= 1:
        return tuple(range(value))
    if not isinstance(value, list) or not value or not all(_is_int(s) for s in value):
        raise fail(f"'seeds' must be a positive integer or a non-empty list of integers, "
                   f"got {value!r}")
    if min(value) < 0:
        raise fail(f"'seeds' must be >= 0, got {min(value)}")
    twice = sorted({s for s in value if value.count(s) > 1})
    if twice:
        raise fail(f"'seeds' lists {twice} more than once (each seed would run again and "
                   "duplicate its rows)")
    return tuple(value)


def _distinct(titles: list[str], key: str, fail) -> None:
    """Reject two conditions with one title, or two titles that share one file name."""
    seen: dict[str, int] = {}
    for i, title in enumerate(titles):
        folder = safe_name(title)
        if folder in ("", ".", ".."):
            raise fail(f"{key}[{i}]: label {title!r} cannot name a folder")
        if folder in seen:
            j = seen[folder]
            same = titles[j] == title
            why = f"both are {title!r}" if same else (
                f"{titles[j]!r} and {title!r} share the file name {folder!r}")
            raise fail(f"{key}[{j}] and {key}[{i}] would merge into one condition: {why}; "
                       "give each a distinct 'label'")
        seen[folder] = i


def _resources(value: Any, fail) -> Resources:
    if not isinstance(value, Mapping):
        raise fail(f"'resources' must be a table, got {value!r}")
    extra = set(value) - {"num_cpus", "num_gpus"}
    if extra:
        raise fail(f"resources has unknown field(s) {sorted(extra)}; use num_cpus, num_gpus")
    for key, amount in value.items():
        if isinstance(amount, bool) or not isinstance(amount, int | float) or not amount >= 0:
            raise fail(f"resources.{key} must be a number >= 0, got {amount!r}")
    return Resources(**{k: float(v) for k, v in value.items()})


def _table(entry: Mapping, key: str, where: str, fail) -> dict[str, Any]:
    value = entry.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(f"{where}.{key} must be a table of keyword arguments, got {value!r}")
    return dict(value)


def _text(entry: Mapping, key: str, where: str, fail, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise fail(f"{where}.{key} must be a non-empty string, got {value!r}")
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
    if isinstance(entry, str):
        return cls(entry)
    where, key = f"{cls._section}[{index}]", cls._key
    if not isinstance(entry, Mapping) or key not in entry:
        raise fail(f"{where} needs {'an' if key[0] in 'aeiou' else 'a'} '{key}'")
    extra = set(entry) - {key, cls._table, "label"}
    if extra:
        raise fail(f"{where} has unknown field(s) {sorted(extra)}")
    return cls(_text(entry, key, where, fail, True), _table(entry, cls._table, where, fail),
               _text(entry, "label", where, fail))
