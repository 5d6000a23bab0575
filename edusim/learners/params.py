"""Parameters given per skill: a scalar for every skill, or a sequence with one value each.

:class:`SkillParams` is the mixin of the learner models' frozen parameter dataclasses
(:class:`~edusim.learners.bkt.BKTParams`, :class:`~edusim.learners.logistic.LogisticParams`):
it stores sequences as tuples (so the dataclass stays hashable and immutable) and broadcasts a
field to one float per skill, checking its length.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SkillParams"]


class SkillParams:
    """Mixin for a frozen dataclass whose fields may be a scalar or one value per skill.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Knobs(SkillParams):
        ...     rate: float | tuple[float, ...] = 0.5
        ...     def __post_init__(self) -> None:
        ...         self._skill_values("rate")
        >>> Knobs([0.1, 0.2]).rate, Knobs().per_skill("rate", 3).tolist()
        ((0.1, 0.2), [0.5, 0.5, 0.5])
        >>> Knobs([0.1, 0.2]).per_skill("rate", 3)
        Traceback (most recent call last):
        ...
        ValueError: Knobs.rate has 2 values for 3 skills
    """

    def _skill_values(self, name: str) -> np.ndarray:
        """Field ``name`` as a float array; a sequence is stored back as a tuple of floats.

        For ``__post_init__``, which then checks the returned values.
        """
        value = np.asarray(getattr(self, name), dtype=np.float64)
        if value.ndim:
            object.__setattr__(self, name, tuple(float(v) for v in value))
        return value

    def per_skill(self, name: str, n_skills: int) -> np.ndarray:
        """Parameter ``name`` broadcast to one float per skill.

        Raises:
            ValueError: When the field holds a sequence whose length is not ``n_skills``.
        """
        value = np.asarray(getattr(self, name), dtype=np.float64)
        if value.ndim and value.shape != (n_skills,):
            raise ValueError(
                f"{type(self).__name__}.{name} has {value.size} values for {n_skills} skills"
            )
        return np.broadcast_to(value, (n_skills,)).copy()
