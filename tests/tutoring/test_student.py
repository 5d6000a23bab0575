"""The simulated student: seeded, move-dependent, wired to a learner model."""

from __future__ import annotations

import numpy as np
import pytest

from edusim.tutoring import Move, SimulatedStudent, StudentParams, TutorTurn, step_curriculum


def _fix_rate(case, move, n=400, **params):
    step = case.first_wrong_step()
    fixed = 0
    for seed in range(n):
        student = SimulatedStudent(case, StudentParams(**params), seed=seed)
        student.respond(TutorTurn(move, "Look at that step.", step))
        fixed += bool(student.beliefs[step])
    return fixed / n


def test_same_seed_same_dialogue(sample_cases):
    case = sample_cases[1]
    turns = [TutorTurn(m, "Hm?", case.first_wrong_step()) for m in (Move.FOCUS, Move.PROBING)] * 3
    replies = [[SimulatedStudent(case, seed=7).respond(t) for t in turns] for _ in range(2)]
    assert replies[0] == replies[1]


def test_move_dependent_correction(sample_cases):
    case = sample_cases[0]
    telling = _fix_rate(case, Move.TELLING, ability_sd=0.0)
    focus = _fix_rate(case, Move.FOCUS, ability_sd=0.0)
    generic = _fix_rate(case, Move.GENERIC, ability_sd=0.0)
    assert telling > focus > generic
    assert abs(telling - 0.85) < 0.06 and abs(focus - 0.30) < 0.07


def test_scaffolding_works_better_over_time_and_off_target_worse(sample_cases):
    case = sample_cases[1]  # three steps, first wrong step 0
    params = StudentParams(ability_sd=0.0)
    student = SimulatedStudent(case, params, seed=0)
    on = student._p_fix(TutorTurn(Move.FOCUS, "", 0), 0)
    student.scaffolds[0] = 2
    later = student._p_fix(TutorTurn(Move.FOCUS, "", 0), 0)
    off = student._p_fix(TutorTurn(Move.FOCUS, "", 1), 1)
    assert later == pytest.approx(on + 2 * params.scaffold_gain)
    assert off == pytest.approx(on * params.off_target)


def test_stating_the_answer_lets_the_student_copy_it(sample_cases):
    case = sample_cases[0]
    student = SimulatedStudent(case, StudentParams(p_copy_answer=1.0), seed=0)
    reply = student.respond(TutorTurn(Move.TELLING, "The answer is 10.", None))
    assert student.solved and "10" in reply


def test_dialogue_changes_the_learner_model(sample_cases):
    case = sample_cases[1]
    student = SimulatedStudent(case, StudentParams(p_learn=1.0), seed=3)
    before = student.mastery().copy()
    student.respond(TutorTurn(Move.PROBING, "Why?", 0))
    assert student.mastery()[0] == 1.0 and before[0] == 0.0
    assert step_curriculum(case).n_skills == case.problem.n_steps


def test_telling_is_no_practice(sample_cases):
    case = sample_cases[1]
    student = SimulatedStudent(case, StudentParams(p_learn=1.0, p_telling=1.0), seed=3)
    student.respond(TutorTurn(Move.TELLING, "Here it is.", 0))
    assert student.beliefs[0] and student.mastery()[0] == 0.0


def test_params_are_validated():
    with pytest.raises(ValueError, match="p_focus"):
        StudentParams(p_focus=1.5)
    assert np.isfinite(StudentParams().p_max)
