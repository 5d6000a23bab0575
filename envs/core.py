"""The one environment core: a batch of rows, and the single and vector envs over it.

Every edusim environment is a :class:`BatchCore`: ``n`` rows (learners, or batched torch
students) stepped together. The single environment is a core of one row
(:class:`BatchEnv`), the native vector environment a core of ``N`` rows
(:class:`BatchVectorEnv`), so both run every line of the same dynamics, and a vector env
reset with ``seed=s`` equals ``N`` single envs reset with seeds ``s, s + 1, ...``.

A concrete environment is a core plus two spec classes whose docstrings are the
Gymnasium spec::

    class TutorEnv(BatchEnv):
        '''## Description ... ## Version History'''
        core = TutorBatch

and one line of the registration table in :mod:`edusim.envs`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import fields
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from edusim.config import refuse_nan
from edusim.envs.seeding import reset_keys

__all__ = [
    "BatchCore",
    "BatchEnv",
    "BatchVectorEnv",
    "InvalidActionError",
    "build_config",
    "take_row",
]


class InvalidActionError(ValueError):
    """An action that the environment's action space does not contain."""


def build_config(config_class: type, kwargs: dict[str, Any], owner: str) -> Any:
    """``config_class(**kwargs)``, by field name; an unknown name raises and lists the valid.

    The config dataclass is the one place an environment's defaults live: envs pass their
    keyword arguments through unchanged.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass
        ... class Knobs:
        ...     window: int = 5
        >>> build_config(Knobs, {"window": 3}, "MyEnv")
        Knobs(window=3)
        >>> build_config(Knobs, {"windw": 3}, "MyEnv")
        Traceback (most recent call last):
        ...
        TypeError: MyEnv got an unknown argument 'windw'; valid arguments: window
    """
    valid = [f.name for f in fields(config_class)]
    unknown = [name for name in kwargs if name not in valid]
    if unknown:
        raise TypeError(
            f"{owner} got an unknown argument {unknown[0]!r}; valid arguments: "
            + ", ".join(valid)
        )
    return refuse_nan(config_class(**kwargs), owner)


def take_row(value: Any, i: int = 0) -> Any:
    """Row ``i`` of a batched value: Python scalars from 1-d arrays, sub-arrays from wider
    ones, recursing into dicts (``info["skill_accuracy"] = {skill: (n,) array}``).

    Example:
        >>> take_row({"score": np.array([0.5, 1.0]), "per": {"a": np.array([1, 2])}}, 1)
        {'score': 1.0, 'per': {'a': 2}}
    """
    if type(value) is np.ndarray:  # the common case first: this runs on every single-env step
        return value.item(i) if value.ndim == 1 else value[i]
    if isinstance(value, dict):
        return {k: take_row(v, i) for k, v in value.items()}
    return value[i]


class BatchCore(ABC):
    """``n`` rows of one environment's dynamics; every array has the row as leading axis.

    A core's ``__init__(config, n)`` sets ``n``, ``steps`` (``(n,)`` int: steps since each
    row's reset), ``started`` (``False`` until the first reset) and the spaces of ONE row,
    ``single_action_space`` and ``single_observation_space``.

    Attributes:
        config_class: The config dataclass the envs build from their keyword arguments.
        outcome_keys: Info keys about the last step (``"correct"``): a single env leaves
            them out of the info that ``reset`` returns.
        can_terminate: Whether :meth:`terminated` can ever be true (episodes end by
            themselves); otherwise only the registry's ``max_episode_steps`` ends them.
    """

    config_class: ClassVar[type]
    outcome_keys: ClassVar[tuple[str, ...]] = ()
    can_terminate: ClassVar[bool] = False
    n: int
    steps: np.ndarray
    started: bool
    single_action_space: spaces.Space
    single_observation_space: spaces.Space

    @abstractmethod
    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        """Start new episodes in the rows where ``mask`` is true.

        ``keys`` (one ``uint64`` stream key per masked row) reseed them; ``None`` is an
        unseeded reset: the rows go on from their current streams (as an autoreset does).
        The first reset starts every row.
        """

    @abstractmethod
    def step(self, actions: Any, resetting: np.ndarray | None = None) -> np.ndarray:
        """Apply one action per row; returns the reward per row, ``(n,)`` float.

        Rows where ``resetting`` is true restart right after this step: their action is a
        placeholder and their outcome is discarded, so a core may skip them.
        """

    @abstractmethod
    def observation(self) -> Any:
        """What the teacher observes of every row (leading axis ``n``; dicts of such)."""

    @abstractmethod
    def info(self) -> dict[str, Any]:
        """Per-row diagnostics: arrays with leading axis ``n``, or dicts of them. They may be
        the core's own arrays: the vector env hands out copies."""

    def terminated(self) -> np.ndarray:
        """Rows whose episode ended by itself at the last step, ``(n,)`` bool."""
        return np.zeros(self.n, dtype=bool)

    @classmethod
    def build(cls, config: Any, n: int) -> BatchCore:
        """The core of ``n`` rows for ``config`` (a core may pick a variant, e.g. on torch)."""
        return cls(config, n)


def _render_mode(env: Any, render_mode: str | None) -> str | None:
    if render_mode is not None and render_mode not in env.metadata["render_modes"]:
        raise ValueError(f"render_mode must be one of {env.metadata['render_modes']}")
    return render_mode


class BatchEnv(gym.Env):
    """The single environment over a :class:`BatchCore` of one row.

    Subclasses set ``core`` (the core class) and write the spec in their docstring; keyword
    arguments are the fields of ``core.config_class``.
    """

    core: ClassVar[type[BatchCore]]
    metadata: ClassVar[dict[str, Any]] = {"render_modes": []}

    def __init__(self, render_mode: str | None = None, **kwargs: Any) -> None:
        self.render_mode = _render_mode(self, render_mode)
        self.config = build_config(self.core.config_class, kwargs, type(self).__name__)
        self._batch = self.core.build(self.config, 1)
        self.action_space = self._batch.single_action_space
        self.observation_space = self._batch.single_observation_space
        self._action_shape = (1, *self.action_space.shape)
        self._dict_actions = isinstance(self.action_space, spaces.Dict)
        self._stepped = False

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        super().reset(seed=seed)
        batch = self._batch
        keys = reset_keys(seed, 1, self.np_random, first=not batch.started)
        batch.reset(np.ones(1, dtype=bool), keys)
        self._stepped = False
        return self._get_obs(), self._get_info()

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        batch = self._batch
        if not batch.started:
            raise gym.error.ResetNeeded("call reset() before step()")
        if self._dict_actions:
            actions = {k: np.asarray(v)[None] for k, v in action.items()}
        else:  # the action as a batch of one
            try:
                actions = np.asarray(action).reshape(self._action_shape)
            except ValueError:
                raise InvalidActionError(
                    f"expected an action of shape {self.action_space.shape}, got {action!r}"
                ) from None
        reward = batch.step(actions)
        self._stepped = True
        terminated = batch.can_terminate and bool(batch.terminated()[0])
        return self._get_obs(), reward.item(0), terminated, False, self._get_info()

    def _get_obs(self) -> Any:
        obs = self._batch.observation()
        return obs[0] if type(obs) is np.ndarray else take_row(obs)

    def _get_info(self) -> dict[str, Any]:
        info = self._batch.info()
        if not self._stepped:
            info = {k: v for k, v in info.items() if k not in self._batch.outcome_keys}
        return {  # take_row, inlined for the common case: this runs on every step
            key: value.item(0) if type(value) is np.ndarray and value.ndim == 1
            else take_row(value)
            for key, value in info.items()
        }


class BatchVectorEnv(VectorEnv):
    """``num_envs`` copies of a :class:`BatchEnv` as one :class:`BatchCore` of ``num_envs`` rows.

    With ``reset(seed=s)``, row ``i`` behaves exactly like the single env reset with seed
    ``s + i`` and given the same actions (each row has its own counter-based random stream,
    see :mod:`edusim.streams`). Episodes are cut after ``max_episode_steps`` (``truncated``)
    and restart on the next step (Gymnasium's ``NEXT_STEP`` autoreset: that step returns the
    new episode's first observation with reward 0 and ignores its action), like an unseeded
    ``reset()`` of the single env. ``info`` holds the single env's keys, one value per row.
    """

    core: ClassVar[type[BatchCore]]
    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": [],
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self, num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        if max_episode_steps is not None and max_episode_steps < 1:
            raise ValueError(f"max_episode_steps must be >= 1, got {max_episode_steps}")
        self.config = build_config(self.core.config_class, kwargs, type(self).__name__)
        self._batch = self.core.build(self.config, num_envs)
        self.num_envs = num_envs
        self.max_episode_steps = max_episode_steps
        self.single_action_space = self._batch.single_action_space
        self.single_observation_space = self._batch.single_observation_space
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self._needs_reset = self._batch.steps < 0  # all false, an array of the core's kind

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Reset every row, or with ``options={"reset_mask": mask}`` only the masked rows
        (unseeded: they go on like an autoreset; seeded: row ``i`` gets ``seed + i``)."""
        one_seed = seed is None or isinstance(seed, int | np.integer)
        super().reset(seed=seed if one_seed else int(seed[0]))
        batch = self._batch
        mask = np.ones(self.num_envs, dtype=bool)
        if options is not None and options.get("reset_mask") is not None:
            mask = np.asarray(options["reset_mask"], dtype=bool)
            if mask.shape != (self.num_envs,):
                raise ValueError(f"reset_mask must have shape ({self.num_envs},), got {mask.shape}")
            if not batch.started and not mask.all():
                raise gym.error.ResetNeeded("the first reset must reset every row")
        keys = reset_keys(seed, self.num_envs, self.np_random, first=not batch.started)
        batch.reset(mask, None if keys is None else keys[mask])
        self._needs_reset = self._needs_reset & ~_like(self._needs_reset, mask)
        return batch.observation(), _copied(batch.info())

    def step(self, actions: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict]:
        batch = self._batch
        if not batch.started:
            raise gym.error.ResetNeeded("call reset() before step()")
        restart = self._needs_reset
        if restart.any():
            # NEXT_STEP autoreset: these rows start over and their actions are ignored.
            reward = batch.step(_placeholder(actions, restart), resetting=restart)
            batch.reset(restart, None)
        else:
            reward = batch.step(actions)
        reward = _zero_rows(reward, restart)
        truncated = batch.steps < 0  # all false, numpy or torch as the core
        if self.max_episode_steps is not None:
            truncated = batch.steps >= self.max_episode_steps
        terminated = batch.terminated() if batch.can_terminate else batch.steps < 0
        self._needs_reset = truncated | terminated
        return batch.observation(), reward, terminated, truncated, _copied(batch.info())


# Cores hold numpy arrays or torch tensors (``device=...``); these helpers serve both.
def _copied(info: dict[str, Any]) -> dict[str, Any]:
    """``info`` with every array copied (a core's info may hold its own arrays)."""
    out = {}
    for key, value in info.items():
        if isinstance(value, dict):
            out[key] = _copied(value)
        elif isinstance(value, np.ndarray):
            out[key] = value.copy()
        else:
            out[key] = value.clone() if hasattr(value, "clone") else value
    return out


def _zero_rows(values: Any, rows: Any) -> Any:
    """A copy of ``values`` with the rows a bool mask selects set to 0 (dtype kept)."""
    if isinstance(values, np.ndarray):
        out = values.copy()
        out[np.asarray(rows)] = 0
        return out
    import torch  # only torch cores hand out tensors

    out = values.clone()
    out[torch.as_tensor(rows, dtype=torch.bool, device=out.device)] = 0
    return out


def _like(template: Any, mask: np.ndarray) -> Any:
    """``mask`` as an array of ``template``'s kind (numpy, or a tensor on its device)."""
    if isinstance(template, np.ndarray):
        return mask
    import torch

    return torch.as_tensor(mask, dtype=torch.bool, device=template.device)


def _placeholder(actions: Any, rows: Any) -> Any:
    """``actions`` with the selected rows set to 0 (a valid action of every edusim space)."""
    if isinstance(actions, dict):
        return {k: _placeholder(v, rows) for k, v in actions.items()}
    return _zero_rows(actions if hasattr(actions, "clone") else np.asarray(actions), rows)
