"""Skills inferred from unlabeled prompts: k-means over the prompts' token features.

DataEnvGym labels questions with an LLM; here the option is to find skills without the
generator's labels: each prompt becomes a feature vector (its length and its number of
digits, as shares of the prompt width, and whether each symbol and word occurs) and k-means
groups them. :meth:`SkillClusters.agreement` reports how well the clusters match the true
labels (adjusted Rand index, and purity: the share of prompts in their cluster's majority label).
:meth:`SkillClusters.sample` draws examples of one inferred skill by filtering generator output
through the clustering, so a teacher can ask for data per inferred skill.

Example:
    >>> from edusim.tasks.domain import ArithmeticDomain
    >>> domain = ArithmeticDomain(skills=("add", "mul", "compare"), eval_per_subskill=16)
    >>> held_out = domain.eval_set()
    >>> clusters = SkillClusters.fit(held_out.prompts, n_skills=3, seed=0)
    >>> truth = domain.skill_of[held_out.subskill]
    >>> round(clusters.agreement(held_out.prompts, truth)["purity"], 2)
    1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from edusim.tasks.engines import Engine, Plan
from edusim.tasks.examples import Examples
from edusim.tasks.quality import REASONS

__all__ = ["SkillClusters", "prompt_features"]

_DIGITS = np.arange(2, 12)  # token ids of 0-9


def prompt_features(prompts: np.ndarray, vocab_size: int) -> np.ndarray:
    """``(n, vocab_size - 10)`` float: length and digit count (as shares of the prompt
    width), then whether each other token occurs.

    Example:
        >>> prompt_features(np.array([[0, 3, 12, 4, 15]]), 34)[0, :4].tolist()
        [0.8, 0.4, 1.0, 0.0]
    """
    prompts = np.asarray(prompts)
    counts = np.zeros((len(prompts), vocab_size))
    np.add.at(counts, (np.repeat(np.arange(len(prompts)), prompts.shape[1]), prompts.ravel()), 1)
    width = prompts.shape[1]
    digits = counts[:, _DIGITS].sum(1) / width
    others = np.delete(counts, np.r_[0, 1, _DIGITS], axis=1) > 0
    length = (prompts != 0).sum(1) / width
    return np.column_stack([length, digits, others]).astype(np.float64)


@dataclass(frozen=True)
class SkillClusters:
    """A fitted clustering of prompts into ``n_skills`` inferred skills.

    Attributes:
        model: The fitted ``sklearn.cluster.KMeans``.
        vocab_size: Token ids per prompt position.
    """

    model: KMeans
    vocab_size: int

    @classmethod
    def fit(cls, prompts: np.ndarray, n_skills: int, seed: int, vocab_size: int = 34
            ) -> SkillClusters:
        """Cluster unlabeled ``prompts`` (``(n, Lp)`` token ids) into ``n_skills`` skills."""
        if n_skills < 1 or n_skills > len(prompts):
            raise ValueError(f"n_skills must be in [1, {len(prompts)}], got {n_skills}")
        model = KMeans(n_clusters=n_skills, n_init=10, random_state=seed)
        return cls(model.fit(prompt_features(prompts, vocab_size)), vocab_size)

    @property
    def n_skills(self) -> int:
        """Number of inferred skills."""
        return int(self.model.n_clusters)

    def predict(self, prompts: np.ndarray) -> np.ndarray:
        """``(n,)`` inferred skill of each prompt."""
        if len(prompts) == 0:
            return np.zeros(0, np.int64)
        return self.model.predict(prompt_features(prompts, self.vocab_size)).astype(np.int64)

    def agreement(self, prompts: np.ndarray, labels: np.ndarray) -> dict[str, float]:
        """``{"ari": adjusted Rand index, "purity": majority-label share}`` against labels."""
        found, labels = self.predict(prompts), np.asarray(labels)
        majority = sum(np.bincount(labels[found == c]).max() for c in np.unique(found))
        return {"ari": float(adjusted_rand_score(labels, found)),
                "purity": float(majority / len(labels))}

    def sample(self, engine: Engine, pool: Plan, domain, counts: np.ndarray,
               rng: np.random.Generator, max_rounds: int = 8
               ) -> tuple[Examples, dict[str, int]]:
        """``counts[c]`` examples of each inferred skill ``c``, drawn from ``pool`` plans
        (typically every sub-skill evenly) and kept by cluster; returns the examples and the
        candidates the quality check dropped, per reason. Clusters the pool cannot fill stay
        short."""
        counts = np.asarray(counts, dtype=np.int64)
        need, parts, dropped = counts.copy(), [], dict.fromkeys(REASONS, 0)
        for _ in range(max_rounds):
            if not need.any():
                break
            out = engine.generate(pool, domain, rng)
            for reason, count in out.rejected.items():
                dropped[reason] += count
            found = self.predict(out.examples.prompts)
            for c in np.flatnonzero(need):
                take = np.flatnonzero(found == c)[: need[c]]
                parts.append(out.examples.take(take))
                need[c] -= len(take)
        return Examples.concat(parts, domain.format.prompt_len, domain.format.answer_len), dropped
