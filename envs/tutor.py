"""``edusim/Tutor-v0``: a teacher picks practice items for one simulated learner."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.curriculum import Curriculum
from edusim.envs.seeding import reset_keys
from edusim.envs.tutor_batch import TutorBatch, TutorConfig
from edusim.learners import LearnerModel

__all__ = ["TutorEnv"]


class TutorEnv(gym.Env[np.ndarray, np.int64]):
    """Item-level tutoring of one simulated learner over a skill prerequisite graph.

    ## Description
    A learner drawn from a learner model (BKT by default) studies a curriculum: a prerequisite
    graph of skills, an item bank, and a fixed post-test with items for every skill. Each step
    the teacher picks an item; the learner answers it (the answer is observed) and learns from
    it. The teacher is rewarded with the gain in the learner's expected post-test score, so an
    episode's return is the learner's total learning gain.

    ## Action Space
    ``Discrete(n_items)``: the index of the practice item in ``env.unwrapped.curriculum.items``.
    Any other value raises :class:`~edusim.envs.tutor_batch.InvalidActionError`.

    ## Observation Space
    ``Box(0, 1, (2K + 1,), float32)`` for ``K`` skills (``3K + 1`` with ``observe_mastery``):

    | index          | observation                                                    |
    |----------------|----------------------------------------------------------------|
    | ``0 .. K-1``   | success rate over the last ``window`` attempts of each skill   |
    |                | (0 before the first attempt)                                   |
    | ``K .. 2K-1``  | attempts at each skill so far / ``attempts_cap`` (capped at 1) |
    | ``2K``         | steps so far / ``time_scale`` (capped at 1)                    |
    | ``2K+1 ..``    | hidden mastery per skill, only with ``observe_mastery=True``   |

    The hidden knowledge state is not observed by default: a teacher sees what a real one sees.

    ## Rewards
    ``post_test(t+1) - post_test(t)`` where ``post_test`` is the learner's expected score on the
    curriculum's post-test (each skill weighs the same; expectation over answer noise). With
    forgetting, rewards can be negative.

    ## Starting State
    A learner drawn from the learner model's population (``heterogeneity`` sets its spread);
    with BKT, each skill starts known with ``p_init`` (only if its prerequisites are known).

    ## Episode End
    The environment never terminates by itself; the registry's ``max_episode_steps`` (100 for
    ``Tutor-v0``) truncates the episode.

    ## Arguments
    ``gymnasium.make("edusim/Tutor-v0", curriculum="fractions", learner="bkt",
    learner_params=None, heterogeneity=None, window=5, attempts_cap=20, time_scale=200,
    observe_mastery=False)``; see :class:`~edusim.envs.tutor_batch.TutorConfig`.
    ``curriculum`` is a :class:`~edusim.curriculum.Curriculum`, a built-in name or a JSON
    path; ``learner`` a registered learner-model name or a :class:`LearnerModel`.

    ``info`` holds ``post_test`` (expected score), ``mastery`` (mean hidden mastery),
    ``correct`` (the answer just given, after a step) and ``mastery_per_skill``.

    ## Version History
    * v0: Initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        curriculum: str | Curriculum = "fractions",
        learner: str | LearnerModel = "bkt",
        learner_params: dict | None = None,
        heterogeneity: float | None = None,
        window: int = 5,
        attempts_cap: int = 20,
        time_scale: int = 200,
        observe_mastery: bool = False,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        config = TutorConfig(
            curriculum, learner, learner_params, heterogeneity, window, attempts_cap,
            time_scale, observe_mastery,
        )
        self._batch = TutorBatch(config, n=1)
        self.config = config
        self.curriculum = self._batch.curriculum
        self.learner_model = self._batch.model
        self.action_space = spaces.Discrete(self._batch.n_actions)
        self.observation_space = spaces.Box(0.0, 1.0, (self._batch.obs_size,), np.float32)
        self._last_correct: bool | None = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        batch = self._batch
        keys = reset_keys(seed, 1, self.np_random, first=batch.state is None)
        batch.reset(np.ones(1, dtype=bool), batch.streams.next_keys() if keys is None else keys)
        self._last_correct = None
        return self._get_obs(), self._get_info()

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._batch.state is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        correct, reward = self._batch.step(np.asarray(action).reshape(1))
        self._last_correct = bool(correct[0])
        return self._get_obs(), float(reward[0]), False, False, self._get_info()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        mastery = self._batch.mastery()[0]
        lines = [f"step {int(self._batch.steps[0])}  post-test {self._batch.score[0]:.3f}"]
        for skill, m in zip(self.curriculum.graph.skills, mastery, strict=True):
            lines.append(f"  {skill:<20} {'#' * int(round(m * 20)):<20} {m:.2f}")
        return "\n".join(lines)

    def _get_obs(self) -> np.ndarray:
        return self._batch.observation()[0]

    def _get_info(self) -> dict[str, Any]:
        mastery = self._batch.mastery()[0]
        info = {
            "post_test": float(self._batch.score[0]),
            "mastery": float(np.add.reduce(mastery)) / mastery.size,  # = mastery.mean()
            "mastery_per_skill": mastery,
        }
        if self._last_correct is not None:
            info["correct"] = self._last_correct
        return info
