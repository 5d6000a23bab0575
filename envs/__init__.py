"""edusim's Gymnasium environments; importing this module registers their ids.

| id                             | what the teacher chooses                        | vector |
|--------------------------------|-------------------------------------------------|--------|
| ``edusim/Tutor-v0``            | a practice item for one BKT learner             | native |
| ``edusim/TutorLogistic-v0``    | a practice item for one IRT+PFA learner         | native |
| ``edusim/KSS-v0``              | a knowledge point for a KSS learner (EduSim)    | native |
| ``edusim/TaskSpace-v0``        | a task in a continuous box (ALP-GMM toy space)  | native |
| ``edusim/TaskSpaceTorch-v0``   | a task in the box, for a torch network learner  | native |
| ``edusim/DataGenOpen-v0``      | a data-generation plan, from a student's errors | native |
| ``edusim/DataGenSkillList-v0`` | an example budget split over skills             | native |
| ``edusim/DataGenSkillTree-v0`` | explore sub-skills, or re-allocate over a tree  | native |
| ``edusim/SelfCurriculum-v0``   | g problem sets (generator parameters) for SOAR  | no     |

How to add an environment
-------------------------
An environment is one core plus one line of :data:`ENVS`:

1. In ``envs/<name>.py`` write a frozen config dataclass (the one place its defaults live)
   and a core, a subclass of :class:`~edusim.envs.core.BatchCore` whose ``__init__(config,
   n)`` builds ``n`` rows (learners, or K torch students trained in one batched call) and
   sets ``single_action_space`` and ``single_observation_space`` (any Gymnasium space: Box
   allocations, Dicts); it implements ``reset(mask, keys)``, ``step(actions) -> reward per
   row``, ``observation()`` and ``info()`` (arrays with the row as leading axis, or dicts of
   them: ``info["skill_accuracy"] = {skill: (n,) array}``), and ``terminated()`` with
   ``can_terminate = True`` if its episodes end by themselves.
2. Beside it, the spec classes: ``class MyEnv(BatchEnv)`` and, for a native vector form,
   ``class MyVectorEnv(BatchVectorEnv)``, each a Gymnasium-style docstring (Description,
   Action Space, Observation Space, Rewards, Starting State, Episode End, Arguments, Version
   History) and ``core = MyBatch``. Their keyword arguments are the config's fields, by name.
3. One row in :data:`ENVS`; the contract tests (``tests/envs/test_env_api.py``) then cover
   the new id: ``check_env``, seeding, pickling, and vector == singles.

The existing envs keep their long cores in ``*_batch.py`` modules beside the spec classes.

Example:
    >>> import gymnasium as gym
    >>> import edusim
    >>> gym.spec("edusim/Tutor-v0").max_episode_steps
    100
    >>> sorted(ENVS) == sorted(ENV_IDS)
    True
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

from edusim.registry import Entry

__all__ = ["ENVS", "ENV_IDS", "as_sb3_vec_env"]


def _env(
    entry_point: str, vector: str | None, steps: int, name: str, about: str,
    quick_kwargs: dict | None = None, quick_seed_free: bool = False, **kwargs: object
) -> Entry:
    """A table row; ``quick_kwargs`` are settings small enough for the contract tests (envs
    whose default step trains students take seconds)."""
    return Entry(entry_point, name, about, {
        "vector_entry_point": vector, "max_episode_steps": steps, "kwargs": kwargs,
        "quick_kwargs": quick_kwargs or {},
        # with its quick settings the env's students learn nothing, so every seed gives the
        # same (all-zero) trajectory; its own tests check that seeds matter at larger sizes
        "quick_seed_free": quick_seed_free,
    })


#: Tiny students for the contract tests of the DataGen envs.
_DATAGEN_QUICK = {"student": {"d_model": 16, "n_heads": 2, "n_layers": 1, "steps": 2,
                              "batch_size": 8}, "eval_per_subskill": 2, "budget": 12}

#: Seconds-long self-curriculum runs for the contract tests.
_SELF_CURRICULUM_QUICK = dict(
    pretrain_examples=200, pretrain_steps=20, hard_digits=(2, 2), hard_candidates=32, fail_n=4,
    hard_size=4, proposals=2, trainings=1, problems=8, inner_steps=1, inner_batch=2,
    inner_samples=2, eval_samples=2, d_model=8, n_layers=1)


_M = "edusim.envs."
#: The registration table: id -> entry point, native vector entry point, episode length.
ENVS: dict[str, Entry] = {
    "edusim/Tutor-v0": _env(
        _M + "tutor:TutorEnv", _M + "tutor:TutorVectorEnv", 100,
        "Tutor (BKT)", "Pick practice items for a BKT learner over a skill graph."),
    "edusim/TutorLogistic-v0": _env(
        _M + "tutor:TutorEnv", _M + "tutor:TutorVectorEnv", 100,
        "Tutor (logistic)", "Pick practice items for an IRT+PFA learner who forgets.",
        learner="logistic"),
    "edusim/KSS-v0": _env(
        _M + "kss:KSSEnv", _M + "kss:KSSVectorEnv", 20,
        "KSS", "Learning-path recommendation on the EduSim 0.0.2 knowledge-structure simulator."),
    "edusim/TaskSpace-v0": _env(
        _M + "task_space:TaskSpaceEnv", _M + "task_space:TaskSpaceVectorEnv", 20_000,
        "Task space", "Pick tasks in a continuous box whose cells unlock outwards (ALP-GMM toy)."),
    "edusim/TaskSpaceTorch-v0": _env(
        _M + "task_space_torch:TaskSpaceTorchEnv", _M + "task_space_torch:TaskSpaceTorchVectorEnv",
        2_000, "Task space (torch learner)", "The task box learned by a small torch network."),
    "edusim/DataGenOpen-v0": _env(
        _M + "datagen_open:DataGenOpenEnv", _M + "datagen_open:DataGenOpenVectorEnv", 8,
        "DataGen (open)", "Read a torch student's errors, write a free data-generation plan.",
        quick_kwargs=_DATAGEN_QUICK),
    "edusim/DataGenSkillList-v0": _env(
        _M + "datagen_list:DataGenSkillListEnv", _M + "datagen_list:DataGenSkillListVectorEnv",
        8, "DataGen (skill list)", "Split a budget of generated examples over skills.",
        quick_kwargs=_DATAGEN_QUICK),
    "edusim/DataGenSkillTree-v0": _env(
        _M + "datagen_tree:DataGenSkillTreeEnv", _M + "datagen_tree:DataGenSkillTreeVectorEnv",
        8, "DataGen (skill tree)", "Explore sub-skills of a skill tree or re-allocate over it.",
        quick_kwargs=_DATAGEN_QUICK),
    "edusim/SelfCurriculum-v0": _env(
        _M + "self_curriculum:SelfCurriculumEnv", None, 20,
        "Self-curriculum (SOAR)", "Propose problem sets that unlock hard problems a student "
        "never solves.", quick_kwargs=_SELF_CURRICULUM_QUICK, quick_seed_free=True),
}

#: Every environment id edusim registers, in table order.
ENV_IDS: list[str] = list(ENVS)

for _id, _entry in ENVS.items():
    if _id not in registry:
        register(
            id=_id,
            entry_point=_entry.entry_point,
            vector_entry_point=_entry.metadata["vector_entry_point"],
            max_episode_steps=_entry.metadata["max_episode_steps"],
            kwargs=dict(_entry.metadata["kwargs"]),
        )


def as_sb3_vec_env(vector_env):  # noqa: ANN001, ANN201  (SB3 is imported only when used)
    """A native vector env as a Stable-Baselines3 ``VecEnv``: see :mod:`edusim.envs.sb3`.

    Example:
        >>> import gymnasium as gym
        >>> venv = as_sb3_vec_env(gym.make_vec("edusim/KSS-v0", num_envs=8,
        ...                                    vectorization_mode="vector_entry_point"))
        >>> venv.num_envs, venv.reset().shape
        (8, (8, 40))
    """
    from edusim.envs.sb3 import as_sb3_vec_env as adapt

    return adapt(vector_env)
