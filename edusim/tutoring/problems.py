"""Math word problems with step-by-step solutions, and tutoring cases built on them.

A :class:`Problem` is a question, its solution steps and the final answer. A
:class:`TutoringCase` adds a student: the incorrect solution they start from, a profile, and (for
MathDial) the reference dialogue a human teacher held. Two loaders read them:

* :func:`load_mathdial` reads MathDial's JSON lines (Macina et al. 2023, CC BY-SA 4.0).
* :func:`load_problem_file` reads edusim's simple JSON problem files (a list of objects with
  ``id``, ``question``, ``steps``, ``answer`` and optionally ``incorrect_solution``,
  ``profile``); :func:`load_cases` picks the loader by file suffix.

Example:
    >>> cases = load_cases(builtin_problems_path())
    >>> case = cases[0]
    >>> case.problem.n_steps >= 2, case.first_wrong_step() is not None
    (True, True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from edusim.tutoring.moves import Move, Turn, parse_mathdial_conversation
from edusim.tutoring.numbers import extract_numbers, result_of, states_value

__all__ = [
    "ProblemError",
    "Step",
    "Problem",
    "TutoringCase",
    "load_mathdial",
    "load_problem_file",
    "load_cases",
    "builtin_problems_path",
]


class ProblemError(ValueError):
    """A problem file or record is invalid; the message names the file, line and field."""


@dataclass(frozen=True)
class Step:
    """One step of a worked solution: its text and the value it computes."""

    text: str
    result: float | None

    def without_result(self) -> str:
        """The step with its computed value cut off (the part before the last ``=``).

        Example:
            >>> Step("She pays $4015 / 5 = $803.", 803.0).without_result()
            'She pays $4015 / 5'
        """
        head, sep, _ = self.text.rpartition("=")
        return head.strip() if sep else self.text.rstrip(". ")


@dataclass(frozen=True)
class Problem:
    """A word problem with its ground-truth solution."""

    id: str
    question: str
    steps: tuple[Step, ...]
    answer: float

    @property
    def n_steps(self) -> int:
        return len(self.steps)

    @classmethod
    def from_solution_text(cls, pid: str, question: str, solution: str) -> Problem:
        """Build from GSM8K/MathDial solution text: one step per line, the last line the answer.

        Raises:
            ProblemError: When the last line is not a number or there is no step.
        """
        lines = [ln.strip() for ln in solution.strip().splitlines() if ln.strip()]
        numbers = extract_numbers(lines[-1]) if lines else []
        if len(lines) < 2 or len(numbers) != 1:
            raise ProblemError(f"problem {pid}: solution must be steps then a final number line")
        return cls(pid, question, tuple(Step(t, result_of(t)) for t in lines[:-1]), numbers[0])


@dataclass(frozen=True)
class TutoringCase:
    """A problem plus the student who got it wrong.

    Attributes:
        problem: The problem.
        incorrect_solution: The student's worked solution, one line per entry.
        incorrect_answer: The student's final answer, when it is a number.
        profile: Free-text description of the student (MathDial ``student_profile``).
        student_name: First word of the profile, for friendly turns.
        confusion: The teacher's description of the confusion, when known.
        reference: The human reference dialogue (MathDial), empty otherwise.
        outcome: MathDial ``self-correctness`` (``Yes``, ``Yes, but I had to reveal the answer``,
            ``No``), when known.
    """

    problem: Problem
    incorrect_solution: tuple[str, ...]
    incorrect_answer: float | None
    profile: str = ""
    confusion: str = ""
    reference: tuple[Turn, ...] = field(default=(), repr=False)
    outcome: str | None = None

    @property
    def student_name(self) -> str:
        words = self.profile.split()
        return words[0] if words and words[0][:1].isupper() else "there"

    def correct_steps(self) -> tuple[bool, ...]:
        """Per step, whether the student's incorrect solution already writes its value."""
        text = "\n".join(self.incorrect_solution)
        flags = [s.result is not None and states_value(text, s.result) for s in self.problem.steps]
        flags[-1] = False  # the student's final answer is wrong, whatever numbers match
        return tuple(flags)

    def first_wrong_step(self) -> int | None:
        """Index of the first step the incorrect solution does not reach."""
        flags = self.correct_steps()
        return next((i for i, ok in enumerate(flags) if not ok), None)

    @property
    def reference_moves(self) -> tuple[Move, ...]:
        return tuple(t.move for t in self.reference if t.move is not None)


def _require(record: dict, key: str, where: str) -> object:
    if key not in record or record[key] in (None, ""):
        raise ProblemError(f"{where}: missing field {key!r}")
    return record[key]


def _incorrect(lines: list[str], where: str) -> tuple[tuple[str, ...], float | None]:
    lines = [ln.strip() for ln in lines if ln.strip()]
    if not lines:
        raise ProblemError(f"{where}: empty incorrect solution")
    tail = extract_numbers(lines[-1])
    return tuple(lines), (tail[-1] if tail else None)


def _mathdial_case(record: dict, where: str) -> TutoringCase:
    pid = str(_require(record, "qid", where))
    problem = Problem.from_solution_text(
        pid, str(_require(record, "question", where)), str(_require(record, "ground_truth", where))
    )
    lines = str(_require(record, "student_incorrect_solution", where)).splitlines()
    solution, answer = _incorrect(lines, where)
    return TutoringCase(
        problem=problem,
        incorrect_solution=solution,
        incorrect_answer=answer,
        profile=str(record.get("student_profile") or ""),
        confusion=str(record.get("teacher_described_confusion") or ""),
        reference=parse_mathdial_conversation(str(record.get("conversation") or ""), where),
        outcome=record.get("self-correctness"),
    )


def load_mathdial(path: str | Path, limit: int | None = None) -> list[TutoringCase]:
    """Read MathDial dialogues (JSON lines) as tutoring cases.

    Raises:
        ProblemError: Naming the file, line and field of the first bad record.
    """
    path = Path(path)
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ProblemError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ProblemError(f"{where}: expected a JSON object")
            cases.append(_mathdial_case(record, where))
            if limit is not None and len(cases) >= limit:
                break
    return cases


def _simple_case(record: dict, where: str) -> TutoringCase:
    steps = _require(record, "steps", where)
    if not isinstance(steps, list) or len(steps) < 1:
        raise ProblemError(f"{where}: 'steps' must be a non-empty list of strings")
    answer = extract_numbers(str(_require(record, "answer", where)))
    if len(answer) != 1:
        raise ProblemError(f"{where}: 'answer' must be one number")
    solution = "\n".join([*map(str, steps), str(answer[0])])
    problem = Problem.from_solution_text(
        str(_require(record, "id", where)), str(_require(record, "question", where)), solution
    )
    lines, wrong = _incorrect(list(_require(record, "incorrect_solution", where)), where)
    return TutoringCase(problem, lines, wrong, str(record.get("profile") or ""))


def load_problem_file(path: str | Path) -> list[TutoringCase]:
    """Read an edusim JSON problem file (a list of problem objects).

    Raises:
        ProblemError: Naming the file, the record index and the field.
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProblemError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(records, list):
        raise ProblemError(f"{path}: expected a list of problems")
    return [_simple_case(r, f"{path}[{i}]") for i, r in enumerate(records)]


def load_cases(path: str | Path, limit: int | None = None) -> list[TutoringCase]:
    """Tutoring cases from MathDial ``.jsonl`` or an edusim ``.json`` problem file.

    Raises:
        ProblemError: When the file is missing or invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise ProblemError(f"{path}: no such problem file")
    if path.suffix == ".jsonl":
        return load_mathdial(path, limit)
    cases = load_problem_file(path)
    return cases if limit is None else cases[:limit]


def builtin_problems_path() -> Path:
    """Path of the small sample problem file shipped with edusim."""
    return Path(str(resources.files("edusim.tutoring") / "problems.json"))
