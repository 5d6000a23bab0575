"""``edusim/Tutor-v0``: a teacher picks practice items for one simulated learner."""

from __future__ import annotations

from typing import Any

from edusim.envs.core import BatchEnv, BatchVectorEnv
from edusim.envs.tutor_batch import TutorBatch

__all__ = ["TutorEnv", "TutorVectorEnv"]


class TutorEnv(BatchEnv):
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
    ``Box(0, 1, (2K + 1,), float32)`` for ``K`` skills (``3K + 1`` with ``observe_mastery``),
    laid out as :class:`~edusim.envs.tutor_obs.TutorObs` says (teachers read it with
    :class:`~edusim.envs.tutor_obs.TutorView`):

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
    ``gymnasium.make("edusim/Tutor-v0", curriculum=None, learner="bkt",
    learner_params=None, heterogeneity=None, window=5, attempts_cap=20, time_scale=200,
    observe_mastery=False)``: the fields of :class:`~edusim.envs.tutor_batch.TutorConfig`
    (an unknown name raises ``TypeError`` listing them).
    ``curriculum`` is a :class:`~edusim.curriculum.Curriculum`, a built-in name or a JSON
    path (``None``: the learner model's own, for KSS and fitted models, else
    ``"fractions"``); ``learner`` a registered learner-model name or a :class:`LearnerModel`.

    ``info`` holds ``post_test`` (expected score), ``mastery`` (mean hidden mastery),
    ``correct`` (the answer just given, after a step) and ``mastery_per_skill``.

    ## Version History
    * v0: Initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}
    core = TutorBatch

    def __init__(self, render_mode: str | None = None, **kwargs: Any) -> None:
        super().__init__(render_mode, **kwargs)
        self.curriculum = self._batch.curriculum
        self.learner_model = self._batch.model

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        mastery = self._batch.mastery()[0]
        lines = [f"step {int(self._batch.steps[0])}  post-test {self._batch.score[0]:.3f}"]
        for skill, m in zip(self.curriculum.graph.skills, mastery, strict=True):
            lines.append(f"  {skill:<20} {'#' * int(round(m * 20)):<20} {m:.2f}")
        return "\n".join(lines)


class TutorVectorEnv(BatchVectorEnv):
    """``num_envs`` independent copies of :class:`TutorEnv` in one batch.

    Same dynamics as ``num_envs`` single environments (see
    :class:`~edusim.envs.core.BatchVectorEnv`): with ``reset(seed=s)``, learner ``i``
    behaves exactly like ``TutorEnv`` reset with seed ``s + i`` and given the same actions.

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/Tutor-v0", num_envs=4,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape[0], info["post_test"].shape
        (4, (4,))
    """

    core = TutorBatch

    def __init__(self, num_envs: int = 1, max_episode_steps: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(num_envs, max_episode_steps, **kwargs)
        self.curriculum = self._batch.curriculum
        self.learner_model = self._batch.model

