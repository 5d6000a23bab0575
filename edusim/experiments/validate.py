"""Checking a whole experiment spec before any trial runs.

A spec that names an unknown environment id, passes an environment a keyword it does not take,
or asks for a teacher that cannot be built (an unknown name, a bad config, a PPO teacher
without ``path``) fails at once with one line naming the entry and the key, instead of after
hours of other trials. Keywords are judged by the env's signature or, for envs that take
``**kwargs`` into a config dataclass, by building it (the dataclass names the valid fields).
The check builds each environment once and each teacher on it once, through the same
registries the trials use (Gymnasium's for envs, ``edusim.agents`` for teachers), so nothing
here repeats their lists of names or settings.

Example:
    >>> from edusim.experiments.spec import ExperimentSpec
    >>> spec = ExperimentSpec.from_dict({"envs": [{"id": "edusim/Tutor-v0",
    ...     "kwargs": {"lerner": "bkt"}}], "teachers": ["random"], "seeds": 1}, "grid.toml")
    >>> check_spec(spec, "grid.toml")
    Traceback (most recent call last):
    ...
    edusim.experiments.spec.SpecError: grid.toml: envs[0].kwargs: TutorEnv got an unknown \
argument 'lerner'; valid arguments: curriculum, learner, learner_params, heterogeneity, window, \
attempts_cap, time_scale, observe_mastery, device
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import gymnasium as gym

from edusim.experiments.spec import EnvSpec, ExperimentSpec, SpecError
from edusim.experiments.spec_file import error_text, shown

__all__ = ["check_spec"]

#: Keywords ``gymnasium.make`` itself takes besides the environment's own.
_MAKE_KEYWORDS = frozenset(
    {"max_episode_steps", "autoreset", "apply_api_compatibility", "disable_env_checker"}
)


def check_spec(spec: ExperimentSpec, source: str = "spec") -> None:
    """Raise :class:`SpecError` naming the entry and key of the first thing that cannot run.

    Args:
        spec: The parsed spec (its fields' types are already checked by the parser).
        source: The file name, for messages.
    """
    import edusim  # noqa: F401  (registers the env ids)
    from edusim import agents

    for j, teacher in enumerate(spec.teachers):
        try:
            agents.teacher_class(teacher.name)
        except (KeyError, ValueError) as exc:
            raise SpecError(f"{source}: teachers[{j}].name: {error_text(exc)}") from None
    for i, env_spec in enumerate(spec.envs):
        env = _build_env(env_spec, f"{source}: envs[{i}]")
        try:
            for j, teacher in enumerate(spec.teachers):
                try:
                    agents.make(teacher.name, env, seed=0, **teacher.config)
                except Exception as exc:
                    raise SpecError(
                        f"{source}: teachers[{j}] ({teacher.title}) cannot act in "
                        f"envs[{i}] ({env_spec.title}): {error_text(exc)}"
                    ) from None
        finally:
            env.close()


def _build_env(env_spec: EnvSpec, where: str) -> gym.Env:
    module, _, env_id = env_spec.id.rpartition(":")
    if module:  # "package.module:Env-v0", as gymnasium.make takes it: import, then look up
        try:
            importlib.import_module(module)
        except Exception as exc:  # not found, a relative name ("..:X"), or the module raised
            raise SpecError(f"{where}.id: cannot import {shown(module)}: "
                            f"{error_text(exc)}") from None
    try:
        registered = gym.spec(env_id)
    except gym.error.Error as exc:
        raise SpecError(f"{where}.id: {error_text(exc)}") from None
    _check_keywords(registered, env_spec.kwargs, where)
    try:
        return gym.make(env_spec.id, **env_spec.kwargs)
    except TypeError as exc:  # a keyword the env (or its config dataclass) does not take
        text = error_text(exc).split(" was raised from the environment creator")[0]
        raise SpecError(f"{where}.kwargs: {text}") from None
    except Exception as exc:
        raise SpecError(f"{where} ({env_spec.title}): cannot build it: {error_text(exc)}") from None


def _check_keywords(registered: Any, kwargs: dict[str, Any], where: str) -> None:
    """Unknown keywords, judged by the entry point's own signature (when it has no ``**``)."""
    entry = registered.entry_point
    try:
        creator = gym.envs.registration.load_env_creator(entry) if isinstance(entry, str) else entry
        parameters = inspect.signature(creator).parameters
    except (ImportError, AttributeError, TypeError, ValueError):
        return  # building it below reports the problem
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    accepted = {name for name, p in parameters.items() if p.kind is not p.VAR_POSITIONAL}
    unknown = sorted(set(kwargs) - accepted - _MAKE_KEYWORDS)
    if unknown:
        words = ", ".join(shown(k) for k in unknown[:8]) + (", ..." if len(unknown) > 8 else "")
        raise SpecError(f"{where}.kwargs: {registered.id} takes no keyword {words}; it takes: "
                        f"{', '.join(sorted(accepted))}")
