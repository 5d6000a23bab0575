"""The quality check every generated example passes before a student sees it.

Each candidate (a prompt text and a reference answer text, from any engine) is checked in
order: it must **parse** in the domain's grammar, be one of the domain's sub-skills, **fit**
the token format, and its answer must be the **solver's**. Failures are counted by reason and
dropped (with ``drop_wrong=False`` a wrong answer is kept and flagged ``correct=False``: the
self-curriculum setting, where deliberately wrong references are part of the experiment). The
labels are the solver's, whatever the engine claimed. Whether the student already **knows** an
example needs the student's answers: :func:`mark_known` sets the flag from them.

Example:
    >>> from edusim.tasks.domain import ArithmeticDomain
    >>> domain = ArithmeticDomain(skills=("add",))
    >>> kept, rejected = QualityCheck().run(domain, ["1+2=", "1+2=", "hello", "9*9="],
    ...                                     ["3", "4", "1", "81"])
    >>> len(kept), rejected
    (1, {'unparsable': 1, 'off_domain': 1, 'too_long': 0, 'wrong_answer': 1})
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edusim.tasks.domain import ArithmeticDomain
from edusim.tasks.examples import Examples, exact_match
from edusim.tasks.solver import ParseError, parse
from edusim.tasks.vocab import TokenizeError

__all__ = ["REASONS", "QualityCheck", "mark_known"]

#: Why a candidate is dropped, in the order they are checked.
REASONS = ("unparsable", "off_domain", "too_long", "wrong_answer")


@dataclass(frozen=True)
class QualityCheck:
    """Parse, label, fit and verify candidates.

    Attributes:
        drop_wrong: Drop candidates whose answer is not the solver's (else keep, flagged).
    """

    drop_wrong: bool = True

    def run(
        self, domain: ArithmeticDomain, prompts: list[str], answers: list[str]
    ) -> tuple[Examples, dict[str, int]]:
        """The candidates that pass as :class:`Examples`, and the count dropped per reason."""
        fmt = domain.format
        rejected = dict.fromkeys(REASONS, 0)
        kept_p, kept_a, kept_s, kept_c = [], [], [], []
        for prompt, answer in zip(prompts, answers, strict=True):
            try:
                problem = parse(prompt)
            except ParseError:
                rejected["unparsable"] += 1
                continue
            if problem.subskill not in domain.subskills:
                rejected["off_domain"] += 1
                continue
            answer = "".join(str(answer).split())
            try:
                tokens = fmt.encode_prompt(prompt), fmt.encode_answer(answer)
            except TokenizeError:
                rejected["too_long"] += 1
                continue
            right = answer == problem.answer
            if not right and self.drop_wrong:
                rejected["wrong_answer"] += 1
                continue
            kept_p.append(tokens[0])
            kept_a.append(tokens[1])
            kept_s.append(domain.subskill_index(problem.subskill))
            kept_c.append(right)
        if not kept_p:
            return Examples.concat([], fmt.prompt_len, fmt.answer_len), rejected
        return Examples(np.stack(kept_p), np.stack(kept_a), np.array(kept_s, np.int64),
                        np.array(kept_c, bool)), rejected


def mark_known(examples: Examples, predicted: np.ndarray, eos_id: int) -> Examples:
    """``examples`` with ``known`` set where the student's answer (``(N, La)``) is right.

    Example:
        >>> ex = Examples(np.zeros((2, 3), np.int64), np.array([[5, 1, 0], [6, 1, 0]]),
        ...               np.zeros(2, np.int64))
        >>> mark_known(ex, np.array([[5, 1, 0], [7, 1, 0]]), eos_id=1).known.tolist()
        [True, False]
    """
    known = exact_match(predicted, examples.answers, eos_id)
    return Examples(examples.prompts, examples.answers, examples.subskill, examples.correct,
                    np.asarray(known, bool))
