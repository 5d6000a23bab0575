"""LLM proposer for ``edusim/SelfCurriculum-v0``: the run described in words, proposals asked of
the :mod:`edusim.llm` chat layer.

SOAR's teacher is a language model that writes problems. This teacher describes the run (the
student's success on the hard problems, the last proposals in words and their rewards) and
asks for ``g`` proposals as JSON numbers in ``[0, 1]`` (:data:`~edusim.selfcurriculum.PARAMETERS`).
With no model configured the offline backend answers with a rule: keep the best of the last
proposals, and try the others one digit longer or shorter around it (at the start: additions
one digit longer than the pretraining ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.self_curriculum import SelfCurriculumView, view_of
from edusim.llm import (
    ChatBackend,
    StructuredOutputError,
    backend_from_env,
    system,
    user,
)
from edusim.llm.task import StructuredTask
from edusim.selfcurriculum import PARAMETERS, ProposalSpace

__all__ = ["LLMProposerTeacher", "Proposals", "ProposalsRequest"]

_SYSTEM = ("You design practice problem sets for a student that cannot yet solve some hard "
           "additions. Propose sets that help it learn them. Reply with JSON only.")


@dataclass(frozen=True)
class Proposals:
    """``g`` proposals, each ``len(PARAMETERS)`` numbers in ``[0, 1]``, and why."""

    proposals: list[list[float]]
    reason: str = ""


class ProposalsRequest(StructuredTask[Proposals]):
    """The next step's proposals, from the observation of a self-curriculum run."""

    output_type = Proposals

    def __init__(self, view: SelfCurriculumView, space: ProposalSpace, obs: np.ndarray) -> None:
        self.view, self.space, self.obs = view, space, np.asarray(obs, np.float64)

    def messages(self) -> list:
        last = self.view.last_proposals(self.obs)
        rewards = self.view.last_rewards(self.obs)
        lines = [f"The student solves {self.view.q_r_success(self.obs):.0%} of the hard "
                 "problems."]
        if self.view.time(self.obs) > 0:
            lines.append("Last step's problem sets and how much they helped:")
            lines += [f"- {list(np.round(p, 2))} ({self.space.describe(p)}): {r:+.3f}"
                      for p, r in zip(last, rewards, strict=True)]
        return [system(_SYSTEM), user(
            "\n".join(lines)
            + f"\n\nA problem set is {len(PARAMETERS)} numbers in [0, 1]: "
            + ", ".join(PARAMETERS)
            + f" (digits up to {self.space.max_digits}, up to {self.space.max_depth} "
            "operations; carry: below 1/3 none, above 2/3 always; use_hard >= 0.5 reuses "
            f"the hard problems). Propose {self.view.proposals} sets. Reply as "
            '{"proposals": [[numbers], ...], "reason": "..."}'
        )]

    def parse(self, text: str) -> Proposals:
        answer = super().parse(text)
        try:
            values = np.asarray(answer.proposals, dtype=np.float64)
        except (TypeError, ValueError):
            raise StructuredOutputError("proposals are not numbers", text, "Proposals") from None
        if values.shape != (self.view.proposals, len(PARAMETERS)) or not (
                (values >= 0) & (values <= 1)).all():
            raise StructuredOutputError(
                f"need {self.view.proposals} proposals of {len(PARAMETERS)} numbers in [0, 1]",
                text, "Proposals")
        return answer

    def offline(self, rng: np.random.Generator) -> Proposals:
        g, top = self.view.proposals, self.space.max_digits
        if self.view.time(self.obs) == 0:  # start one digit past short additions
            best = np.array([1.5 / top, 2.5 / top, 0.0, 0.5, 0.0])
        else:
            best = self.view.last_proposals(self.obs)[int(np.argmax(
                self.view.last_rewards(self.obs)))]
        shifts = np.array([0.0] + [(-1.0) ** j * (1 + j // 2) / top for j in range(g - 1)])
        out = np.repeat(best[None], g, 0)
        out[:, 1] = out[:, 1] + shifts
        out[:, 3] = rng.random(g)
        return Proposals(np.clip(out, 0.0, 1.0).tolist(), "keep the best set, vary its length")


class LLMProposerTeacher(Teacher):
    """Asks the chat layer for the next problem sets of a self-curriculum run.

    Example:
        >>> from edusim.envs.self_curriculum import SelfCurriculumEnv
        >>> env = SelfCurriculumEnv(proposals=3)
        >>> teacher = LLMProposerTeacher(env, seed=0)
        >>> teacher.act(np.zeros(env.observation_space.shape)).shape
        (3, 5)
        >>> teacher.last_answer.backend
        'offline (rule-based)'
    """

    def __init__(self, env: gym.Env, seed: int | None = None,
                 backend: ChatBackend | None = None) -> None:
        super().__init__(env, seed)
        self.view, self.space = view_of(env)
        self.backend = backend_from_env(self.rng) if backend is None else backend
        self.last_answer: Any = None

    def act(self, obs: Any) -> np.ndarray:
        self.last_answer = self.backend.answer(ProposalsRequest(self.view, self.space, obs))
        return np.asarray(self.last_answer.value.proposals, dtype=np.float32)
