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
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["EnvSpec", "ExperimentSpec", "SpecError", "Job", "TeacherSpec"]


class SpecError(ValueError):
    """A malformed experiment specification; the message names the file and the field."""


@dataclass(frozen=True)
class TeacherSpec:
    """A teacher to evaluate: registry name, configuration and the label used in tables."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name

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
class EnvSpec:
    """One environment of the grid: a registered id, its kwargs, and a label for tables."""

    id: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.id


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
        safe = f"{self.env.title}-{self.teacher.title}-{self.seed}"
        return "".join(c if c.isalnum() or c in "-." else "_" for c in safe) + f"-{digest}"


@dataclass(frozen=True)
class ExperimentSpec:
    """A grid of environments x teachers x seeds, each run for ``episodes`` episodes."""

    name: str
    envs: tuple[EnvSpec, ...]
    teachers: tuple[TeacherSpec, ...]
    seeds: tuple[int, ...]
    episodes: int = 1

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

        unknown = set(data) - {"name", "envs", "teachers", "seeds", "episodes"}
        if unknown:
            raise fail(f"unknown top-level field(s) {sorted(unknown)}")
        envs = tuple(_env(e, i, fail) for i, e in enumerate(_list(data, "envs", fail)))
        teachers = tuple(
            _teacher(t, i, fail) for i, t in enumerate(_list(data, "teachers", fail))
        )
        seeds_value = data.get("seeds", 5)
        if isinstance(seeds_value, int) and not isinstance(seeds_value, bool):
            seeds = tuple(range(seeds_value))
        elif isinstance(seeds_value, list) and all(isinstance(s, int) for s in seeds_value):
            seeds = tuple(seeds_value)
        else:
            raise fail(f"'seeds' must be an integer or a list of integers, got {seeds_value!r}")
        episodes = data.get("episodes", 1)
        if not isinstance(episodes, int) or episodes < 1 or not seeds:
            raise fail("'episodes' must be a positive integer and 'seeds' non-empty")
        titles = [t.title for t in teachers]
        if len(set(titles)) != len(titles):
            raise fail(f"teacher labels must be unique, got {titles} (add 'label')")
        return cls(str(data.get("name", Path(source).stem)), envs, teachers, seeds, episodes)

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


def _list(data: Mapping, key: str, fail) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise fail(f"'{key}' must be a non-empty list of tables")
    return value


def _env(entry: Any, index: int, fail) -> EnvSpec:
    if isinstance(entry, str):
        return EnvSpec(entry)
    if not isinstance(entry, Mapping) or "id" not in entry:
        raise fail(f"envs[{index}] needs an 'id'")
    extra = set(entry) - {"id", "kwargs", "label"}
    if extra:
        raise fail(f"envs[{index}] has unknown field(s) {sorted(extra)}")
    return EnvSpec(str(entry["id"]), dict(entry.get("kwargs", {})), entry.get("label"))


def _teacher(entry: Any, index: int, fail) -> TeacherSpec:
    if isinstance(entry, str):
        return TeacherSpec(entry)
    if not isinstance(entry, Mapping) or "name" not in entry:
        raise fail(f"teachers[{index}] needs a 'name'")
    extra = set(entry) - {"name", "config", "label"}
    if extra:
        raise fail(f"teachers[{index}] has unknown field(s) {sorted(extra)}")
    return TeacherSpec(str(entry["name"]), dict(entry.get("config", {})), entry.get("label"))
