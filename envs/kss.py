"""``edusim/KSS-v0``: the knowledge-structure simulator of ``edusim`` 0.0.2, on Gymnasium."""

from __future__ import annotations

from typing import Any

from edusim.envs.core import BatchEnv, BatchVectorEnv
from edusim.envs.kss_batch import KSSBatch

__all__ = ["KSSEnv", "KSSVectorEnv"]


class KSSEnv(BatchEnv):
    """Learning-path recommendation on KSS, the simulator of the ``EduSim`` 0.0.2 package.

    ## Description
    A faithful port of KSS (Liu et al., KDD 2019), which papers on learning-path
    recommendation use as a benchmark. Ten knowledge points form a prerequisite graph; a
    learner has an ability per point and a learning target (3 to 10 points). Each step the
    teacher picks a point; the learner learns it (ability grows by
    ``0.5 * (5 - a) / exp(sum of the prerequisites' gaps to 5)`` and half of each increment
    spills over to the successors, recursively, capped at 5; a point that is not a candidate
    after the point learned last is not learned at all), then is tested on it (IRT, pass when
    the probability reaches 0.5). The dynamics are those of :mod:`edusim.learners.kss`; only
    the random generator differs from the original's (seeded per episode here).

    ## Action Space
    ``Discrete(10)``: the knowledge point to learn (and be tested on). Any other value raises
    :class:`~edusim.envs.kss_batch.InvalidActionError`.

    ## Observation Space
    ``Box(0, 1, (40,), float32)`` (``(50,)`` with ``observe_mastery``), for the 10 points:

    | index      | observation                                                         |
    |------------|---------------------------------------------------------------------|
    | ``0-9``    | 1 if the point is in the learning target                            |
    | ``10-19``  | 1 if the point has been tested (warm-up history included)           |
    | ``20-29``  | 1 if its latest test was passed                                     |
    | ``30-39``  | one-hot of the point learned last (all 0 before any learning);      |
    |            | it decides which points can be learned next                         |
    | ``40-49``  | hidden IRT pass probability per point, only with ``observe_mastery``|

    The original hands its agents the learner's target and exercise history and then each
    step's result; this is that, summarised. Abilities stay hidden by default.

    ## Rewards
    The change of the binary exam on the target, over the target size: ``(exam(t+1) -
    exam(t)) / |target|``. The original gives 0 per step and ``(final exam - initial exam) /
    |target|`` at the end; the per-step rewards telescope to exactly that sum at whatever step
    the episode is cut, which the registry (not the env) decides. ``info["learning_gain"]``
    is that episode reward so far.

    ## Starting State
    A learner drawn uniformly from a pool of ``pool_size`` (4000, as the original) generated
    learners who do not yet pass their whole target: abilities ``randint(-3, 0) - 0.1 * i``
    (a draw per point), a random target, and the original's 20-exercise warm-up. The pool is
    a fixed population given by ``pool_seed`` (the reset seed picks who is drawn);
    ``pool_seed=None`` derives it from the reset seed, ``pool_size=None`` draws a fresh
    learner every episode. In ``learner_mode="copy"`` (default) every episode starts from the
    pool learner as generated; ``"mutate"`` keeps the original's behaviour, where a learner
    keeps its gains (and last learned point) for the next episode that draws it; a seeded
    reset then starts from an untouched pool.

    ## Episode End
    Never terminates; the registry's ``max_episode_steps`` (20 for ``KSS-v0``) truncates.

    ## Arguments
    ``gymnasium.make("edusim/KSS-v0", pool_size=4000, learner_mode="copy", pool_seed=0,
    difficulty=KSS_DIFFICULTY, params=None, observe_mastery=False)``: the fields of
    :class:`~edusim.envs.kss_batch.KSSConfig`. ``info`` holds ``exam`` and ``initial_exam``
    (binary scores on the target), ``target_size``, ``learning_gain``, ``pool_index`` and,
    after a step, ``learned`` (whether the point could be learned) and ``correct``.

    ## Version History
    * v0: Initial version.

    Example:
        >>> env = KSSEnv()
        >>> obs, info = env.reset(seed=0)
        >>> obs.shape, info["exam"] < info["target_size"]
        ((40,), True)
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}
    core = KSSBatch

    def __init__(self, render_mode: str | None = None, **kwargs: Any) -> None:
        super().__init__(render_mode, **kwargs)
        self.learner_model = self._batch.model

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        b = self._batch
        p = b.model.mastery(b.state)[0]
        lines = [f"step {int(b.steps[0])}  exam {int(b.exam[0])}/{int(b.state.target[0].sum())}"]
        for i in range(b.k):
            mark = "*" if b.state.target[0, i] else " "
            lines.append(f" {mark}k{i} {'#' * int(round(p[i] * 20)):<20} {p[i]:.2f}")
        return "\n".join(lines)


class KSSVectorEnv(BatchVectorEnv):
    """``num_envs`` independent copies of :class:`KSSEnv` in one batch.

    With ``reset(seed=s)``, row ``i`` behaves exactly like ``KSSEnv`` reset with seed
    ``s + i`` and given the same actions (each row has its own counter-based random streams
    and pool, see :mod:`edusim.streams`; autoreset as :class:`~edusim.envs.core.BatchVectorEnv`).
    The growth rule's recursive spill-over is one matrix row per learner
    (:mod:`edusim.learners.kss`): no Python loop over learners.

    In ``learner_mode="mutate"`` each row keeps its own pool of ``pool_size`` learners,
    ``num_envs * pool_size * 10`` floats at most (memory is committed as learners are drawn).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/KSS-v0", num_envs=4,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape
        (4, 40)
    """

    core = KSSBatch

    def __init__(self, num_envs: int = 1, max_episode_steps: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(num_envs, max_episode_steps, **kwargs)
        self.learner_model = self._batch.model
