"""PPO teacher: a reinforcement-learning policy trained with Stable-Baselines3.

Schulman, Wolski, Dhariwal, Radford & Klimov (2017), "Proximal Policy Optimization
Algorithms"; implementation: Raffin et al. (2021), Stable-Baselines3, JMLR.

:func:`train_ppo` trains a policy on an environment id and saves it (a SB3 ``.zip``); the
``ppo`` teacher loads such a file and plays it. By default it samples from the policy's
action distribution (with the teacher's own generator, so it is reproducible from the seed):
that is the policy PPO optimised. Playing the most likely action instead can be far worse: a
policy trained briefly spreads its probability over many items, and its argmax repeats a
handful of them; trained longer, it sharpens and the two meet (measurements: the README's
"Teachers" benchmark section).
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.agents.base import Teacher
from edusim.atomic import make_folder

__all__ = ["DEFAULTS", "PPOConfig", "PPOTeacher", "train_ppo"]

#: PPO settings of :func:`train_ppo` that differ from SB3's (8 envs, normalised rewards, short
#: rollouts, an entropy bonus): with SB3's own, training on ``Tutor-v0`` stayed at random
#: play's level (figures in the README's "Teachers" benchmark section).
DEFAULTS: dict[str, Any] = {"n_steps": 128, "batch_size": 256, "learning_rate": 1e-3,
                            "ent_coef": 0.01}


@dataclass(frozen=True)
class PPOConfig:
    """Attributes:
    path: The trained policy (a file written by :func:`train_ppo` or SB3's ``save``); the
        teacher cannot be built without one.
    deterministic: Play the most likely action instead of sampling one (see the module).
    """

    path: str | None = None
    deterministic: bool = False

    def __post_init__(self) -> None:
        if self.path is not None:
            object.__setattr__(self, "path", os.fspath(self.path))


@contextlib.contextmanager
def _scoped_training_state() -> Iterator[None]:
    """Run SB3 with one torch thread and restore the global generators and thread count.

    SB3 samples actions and initialises networks from the global ``torch``/``numpy``/``random``
    generators (seeded by ``PPO(seed=...)``); this keeps a training run reproducible without
    leaking the seed. The networks are tiny, so intra-op threads only cost time (several times
    slower on a busy machine in our measurements).
    """
    import torch

    py_state, np_state, threads = random.getstate(), np.random.get_state(), torch.get_num_threads()
    torch.set_num_threads(1)
    with torch.random.fork_rng(devices=[]):
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
            torch.set_num_threads(threads)


def train_ppo(
    env_id: str,
    steps: int,
    out: str | os.PathLike,
    seed: int = 0,
    env_kwargs: Mapping[str, Any] | None = None,
    max_episode_steps: int | None = None,
    ppo_kwargs: Mapping[str, Any] | None = None,
    n_envs: int = 8,
) -> Path:
    """Train PPO on ``env_id`` for ``steps`` environment steps and save it to ``out``.

    Args:
        env_id: A registered environment id (e.g. ``"edusim/Tutor-v0"``).
        steps: Total environment steps of training.
        out: Output file; ``.zip`` is appended if missing. Written atomically.
        seed: Seed of the environment, the network initialisation and the action sampling.
        env_kwargs: Keyword arguments for ``gymnasium.make``.
        max_episode_steps: Override the registry's episode length (e.g. shorter task-space
            episodes so PPO sees many of them).
        ppo_kwargs: Keyword arguments for ``stable_baselines3.PPO`` (defaults: SB3's with
            :data:`DEFAULTS` over them; ``n_steps`` at most ``steps / n_envs`` and
            ``batch_size`` at most one rollout).
        n_envs: Copies of the environment stepped together (a native vector env through
            :func:`edusim.envs.as_sb3_vec_env` where the id has one: the same steps as
            ``DummyVecEnv`` of single envs, in one batched call); rewards are normalised by
            a running estimate of the return's spread (observations are not).

    Returns:
        The path of the saved model.

    Example:
        >>> import tempfile, pathlib
        >>> path = train_ppo("edusim/Tutor-v0", 64, pathlib.Path(tempfile.mkdtemp()) / "p",
        ...                  ppo_kwargs={"n_steps": 32, "batch_size": 32, "n_epochs": 1})
        >>> path.suffix
        '.zip'
    """
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import DummyVecEnv, VecMonitor, VecNormalize

    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if n_envs < 1:
        raise ValueError(f"n_envs must be >= 1, got {n_envs}")
    out = Path(out)
    out = out if out.suffix == ".zip" else out.with_name(out.name + ".zip")
    make_kwargs = dict(env_kwargs or {})
    if max_episode_steps is not None:
        make_kwargs["max_episode_steps"] = max_episode_steps
    if gym.spec(env_id).vector_entry_point is not None:  # n_envs learners in one batched call
        from edusim.envs import as_sb3_vec_env

        venv = as_sb3_vec_env(gym.make_vec(
            env_id, num_envs=n_envs, vectorization_mode="vector_entry_point", **make_kwargs))
    else:
        venv = DummyVecEnv([lambda: gym.make(env_id, **make_kwargs)] * n_envs)
    env = VecNormalize(  # rewards only: the saved policy reads raw observations
        VecMonitor(venv),
        norm_obs=False, norm_reward=True, gamma=float((ppo_kwargs or {}).get("gamma", 0.99)),
    )
    # A short run is one short rollout, not a full one.
    n_steps = min(DEFAULTS["n_steps"], -(-steps // n_envs))
    options = {**DEFAULTS, "verbose": 0, "device": "cpu", "n_steps": n_steps,
               "batch_size": min(DEFAULTS["batch_size"], n_steps * n_envs),
               **dict(ppo_kwargs or {})}
    with _scoped_training_state():
        model = PPO("MlpPolicy", env, seed=seed, **options)
        model.learn(total_timesteps=steps)
    env.close()
    make_folder(out.parent)
    fd, tmp = tempfile.mkstemp(suffix=".zip", dir=out.parent)
    os.close(fd)
    try:
        model.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


class PPOTeacher(Teacher):
    """Plays a PPO policy trained by :func:`train_ppo` (``edusim train-teacher``).

    Args:
        env: The environment; its spaces must match the ones the policy was trained on.
        seed: Seed of the generator that samples the actions.
        **config: :class:`PPOConfig` fields: ``path`` (the saved policy) and ``deterministic``
            (play the most likely action instead of sampling; often much worse).

    Raises:
        ValueError: Without a path, or when the policy's spaces do not match ``env``'s.
        FileNotFoundError: When ``path`` does not exist.
    """

    config_class = PPOConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        path = self.config.path
        if path is None:
            raise ValueError(
                "the ppo teacher plays a trained policy: pass path=<model.zip> (train one with "
                "`edusim train-teacher --teacher ppo --env ID --steps N --out PATH`)"
            )
        if not Path(path).exists():
            raise FileNotFoundError(f"no trained PPO policy at {path}")
        from stable_baselines3 import PPO

        self.model = PPO.load(str(path), device="cpu")
        for what, mine, theirs in (
            ("observation", env.observation_space, self.model.observation_space),
            ("action", env.action_space, self.model.action_space),
        ):
            if mine != theirs:
                raise ValueError(
                    f"{path}: the policy was trained with {what} space {theirs}, "
                    f"the environment has {mine}"
                )

    def act(self, obs: Any) -> Any:
        import torch

        policy = self.model.policy
        obs_tensor, _ = policy.obs_to_tensor(np.asarray(obs))
        with torch.no_grad():
            dist = policy.get_distribution(obs_tensor).distribution
        space = self.action_space
        if isinstance(space, spaces.Discrete):
            probs = dist.probs[0].numpy().astype(np.float64)
            choice = (int(np.argmax(probs)) if self.config.deterministic
                      else int(self.rng.choice(len(probs), p=probs / probs.sum())))
            return np.int64(space.start + choice)
        if isinstance(space, spaces.Box):
            mean = dist.mean[0].numpy().astype(np.float64)
            if not self.config.deterministic:
                mean = mean + dist.stddev[0].numpy() * self.rng.standard_normal(mean.shape)
            return np.clip(mean, space.low, space.high).astype(space.dtype)
        raise TypeError(f"the ppo teacher supports Discrete and Box actions, not {space}")
