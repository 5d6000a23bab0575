"""The student fitted on MathDial, checked against it (issue 16, item 2)."""

from __future__ import annotations

import dataclasses

import numpy as np

from edusim.tutoring import (
    StudentParams,
    evaluate_tutor,
    fit_student_params,
    reference_metrics,
)
from edusim.tutoring.fit import MIN_TURNS
from edusim.tutoring.response import Category


def test_the_defaults_are_the_mathdial_fit(mathdial_cases):
    fit = fit_student_params(mathdial_cases)
    assert fit.turns > 1000
    assert fit.params == StudentParams()  # refit whenever the reading changes
    assert fit.counts[Category.FOCUS_ON.value][0] >= MIN_TURNS
    # What the dialogues say: telling works far more often than a focus turn, which works
    # more often than asking the student to talk the solution through.
    assert fit.rate(Category.TOLD) > fit.rate(Category.FOCUS_ON) > fit.rate(Category.VAGUE)


def test_rare_categories_keep_their_hand_set_values(mathdial_cases):
    base = StudentParams(p_generic=0.07)
    fit = fit_student_params(mathdial_cases, base)
    assert fit.counts[Category.GENERIC.value][0] < MIN_TURNS
    assert fit.params.p_generic == 0.07 and fit.params.p_arith_error == base.p_arith_error


def test_fitting_synthetic_dialogues_recovers_a_planted_rate(sample_cases):
    """Dialogues where focus turns fix the step half the time give persistence near 0.5."""
    from edusim.tutoring.moves import Move, Turn

    case = sample_cases[0]
    rng = np.random.default_rng(0)
    focus = "Let's look at the spoons before tasting the stew. What do you notice?"
    cases = []
    for _ in range(400):
        fixed = rng.random() < 0.5
        reply = "Oh, 12 + 3 = 15 spoons." if fixed else "I still think 9."
        turns = (Turn("teacher", focus, Move.FOCUS), Turn("student", reply))
        cases.append(dataclasses.replace(case, reference=turns))
    fit = fit_student_params(cases)
    assert fit.counts == {Category.FOCUS_ON.value: (400, fit.counts["focus-on"][1])}
    assert abs(fit.params.persistence - 0.5) < 0.06


def test_human_text_replay_reproduces_the_dataset_curve(mathdial_cases):
    """The issue's target: within 0.1 of MathDial's own Success@k at every k."""
    data = reference_metrics(mathdial_cases)["success_at_k"]
    replay = evaluate_tutor(mathdial_cases, "human-text", seeds=[0, 1]).metrics()
    gaps = np.abs(np.array(replay["success_at_k"]) - np.array(data))
    assert gaps.max() <= 0.1, (replay["success_at_k"], data)


def test_encouragement_alone_gets_at_most_half_the_rule_based_success(mathdial_cases):
    cases = mathdial_cases[::2]
    generic = evaluate_tutor(cases, "generic", seeds=[0, 1]).metrics()
    offline = evaluate_tutor(cases, "offline", seeds=[0, 1]).metrics()
    assert generic["success_at_k"][6] <= 0.5 * offline["success_at_k"][6]
    assert generic["telling_at_k"][6] == 0.0


def test_tutor_fit_cli(tmp_path, mathdial_path):
    import json

    from typer.testing import CliRunner

    from edusim.cli import app

    result = CliRunner().invoke(app, ["tutor-fit", "--problems", str(mathdial_path),
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "student_fit.json").read_text())
    assert data["params"] == dataclasses.asdict(StudentParams()) and "focus-on" in result.output
