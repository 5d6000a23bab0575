"""Names and one-line descriptions a person reads, from the library's registries.

Teachers, learner models and environments each have a display name and a description in their
registry (``edusim.agents.TEACHERS``, ``edusim.learners.LEARNERS``, ``edusim.envs.ENVS``);
pages show those, never the internal names. Nothing here computes anything.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

from edusim import agents, learners
from edusim import envs as edusim_envs


def _entry(table, name: str):
    """The registry entry of ``name``, or ``None`` for a name it does not hold (a label)."""
    try:
        return table.entry(name) if hasattr(table, "entry") else table.get(name)
    except (KeyError, ValueError):
        return None


def _doc_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    line = doc.split("\n\n")[0].replace("\n", " ").strip()
    return re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"\1", line).replace("``", "")


def teacher(name: str) -> str:
    """A teacher's display name (``"Mastery threshold"``)."""
    entry = _entry(agents.TEACHERS, name)
    return entry.display_name if entry else name.replace("-", " ").capitalize()


def teacher_about(name: str) -> str:
    """A teacher's one-line description."""
    entry = _entry(agents.TEACHERS, name)
    return entry.description if entry else _doc_line(agents.teacher_class(name))


def learner(name: str) -> str:
    """A learner model's display name."""
    entry = _entry(learners.LEARNERS, name)
    return entry.display_name if entry else name.upper() if len(name) <= 4 else name.capitalize()


def learner_about(name: str) -> str:
    """A learner model's one-line description."""
    entry = _entry(learners.LEARNERS, name)
    return entry.description if entry else ""


def env(env_id: str) -> str:
    """An environment's display name (``"Tutor (BKT)"``)."""
    entry = _entry(edusim_envs.ENVS, env_id)
    return entry.display_name if entry else env_id.split("/")[-1].rsplit("-v", 1)[0]


def env_about(env_id: str) -> str:
    """An environment's one-line description."""
    entry = _entry(edusim_envs.ENVS, env_id)
    if entry:
        return entry.description
    return _doc_line(load_env_creator(gym.spec(env_id).entry_point))


def described(names: Iterable[str], name_of, about_of) -> str:
    """``**Name**: description`` lines, for a help text or a caption."""
    return "\n\n".join(f"**{name_of(n)}**: {about_of(n)}" for n in names)
