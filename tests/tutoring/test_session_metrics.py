"""Sessions turn by turn, dialogue metrics, and tutor evaluation."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.tutoring import (
    Move,
    SessionError,
    SimulatedStudent,
    Turn,
    TutoringSession,
    evaluate_tutor,
    make_tutor,
    outcome_of,
    reference_metrics,
    success_at_k,
    telling_at_k,
)
from edusim.tutoring.metrics import bootstrap_ci


def test_session_with_a_human_student(sample_cases):
    case = sample_cases[0]
    session = TutoringSession(case, make_tutor("offline", seed=0), None, max_student_turns=3)
    with pytest.raises(SessionError, match="must follow a tutor turn"):
        session.student_turn("hello")
    first = session.tutor_turn()
    assert first.value.move in set(Move)
    with pytest.raises(SessionError, match="not answered"):
        session.tutor_turn()
    with pytest.raises(SessionError, match="no simulated student"):
        session.student_turn()
    session.student_turn("Oh, 12 + 3 = 15.")
    status = session.status()
    assert status.mastery[0] == 1.0 and status.open_step == 1 and not status.done
    session.tutor_turn()
    session.student_turn("So she bought 10 spoons.")
    status = session.status()
    assert status.done and status.solved_at == 2 and status.told_at is None


def test_simulated_sessions_are_reproducible(sample_cases):
    case = sample_cases[1]

    def play(seed):
        session = TutoringSession(
            case, make_tutor("offline", seed=seed), SimulatedStudent(case, seed=seed)
        )
        session.run()
        return [t.text for t in session.transcript]

    assert play(4) == play(4)
    assert any(play(4) != play(s) for s in range(5, 9))


def test_outcome_definitions():
    turns = [
        Turn("teacher", "What is 12 + 3?", Move.FOCUS),
        Turn("student", "9"),
        Turn("teacher", "It is 15 in total.", Move.TELLING),
        Turn("student", "So 15."),
        Turn("teacher", "Yes, 15!", Move.GENERIC),
    ]
    outcome = outcome_of(turns, answer=15)
    assert (outcome.solved_at, outcome.told_at, outcome.leaks) == (2, 2, 1)
    praise_only = outcome_of([turns[0], Turn("student", "15"), turns[4]], answer=15)
    assert praise_only.told_at is None  # confirming the student's answer is not telling
    grid = [[outcome, praise_only], [outcome_of(turns[:2], 15), outcome_of(turns[:2], 15)]]
    assert success_at_k(grid, 3).tolist() == [0.25, 0.5, 0.5]
    assert telling_at_k(grid, 3).tolist() == [0.0, 0.25, 0.25]
    ci = bootstrap_ci(grid, "solved_at", 3, n_boot=200)
    assert ci.shape == (3, 2) and (ci[:, 0] <= ci[:, 1]).all()


def test_human_reference_on_mathdial(mathdial_cases):
    ref = reference_metrics(mathdial_cases)
    assert 0.6 < ref["success_at_k"][6] < 0.85 and 0.05 < ref["telling_at_k"][6] < 0.25
    assert abs(ref["moves"]["focus"] - 0.34) < 0.02


def test_offline_tutor_ranks_above_random_and_focus_only(mathdial_cases):
    cases = mathdial_cases[:160]
    offline = evaluate_tutor(cases, "offline", seeds=[0, 1]).metrics()
    random = evaluate_tutor(cases, "random", seeds=[0, 1]).metrics()
    focus = evaluate_tutor(cases, "focus-only", seeds=[0, 1]).metrics()
    assert offline["success_at_k"][6] > max(random["success_at_k"][6], focus["success_at_k"][6])
    assert offline["telling_at_k"][6] + 0.2 < random["telling_at_k"][6]
    assert offline["mean_mastery_gain"] > random["mean_mastery_gain"]
    assert np.allclose(sum(offline["moves"].values()), 1.0)


def test_unlabelled_tutor_turns_are_classified(sample_cases):
    from edusim.llm import Answer
    from edusim.tutoring import Tutor, TutorTurn

    class Plain(Tutor):
        def next_turn(self, view):
            return Answer(TutorTurn(None, "The package had 10 spoons."), "a person")

        def describe(self):
            return "a person"

    case = sample_cases[0]
    session = TutoringSession(case, Plain(), SimulatedStudent(case, seed=0))
    session.tutor_turn()
    session.student_turn()
    assert session.transcript[0].move is Move.TELLING
    assert session.outcome().told_at == 1 and session.outcome().moves == (Move.TELLING,)


@pytest.mark.parametrize("tutor", ["random", "human-text", "generic"])
def test_tutor_eval_cli_writes_metrics(tmp_path, mathdial_path, tutor):
    out = tmp_path / "eval"
    args = ["tutor-eval", "--problems", str(mathdial_path), "--tutor", tutor, "--seeds", "2"]
    result = CliRunner().invoke(app, [*args, "--limit", "12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["success_at_k"]) == 7 and len(metrics["telling_at_k"]) == 7
    assert set(metrics["moves"]) == {"focus", "probing", "telling", "generic"}
    assert metrics["n_dialogues"] == 24 and len(metrics["reference"]["success_at_k"]) == 7
    assert "Success@k" in result.output


def test_tutor_eval_cli_reports_bad_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(app, ["tutor-eval", "--problems", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "not JSON" in result.output
    result = CliRunner().invoke(
        app,
        ["tutor-eval", "--tutor", "llm", "--out", str(tmp_path)],
        env={"EDUSIM_LLM_MODEL": "", "EDUSIM_LLM_BACKEND": ""},
    )
    assert result.exit_code == 1 and "EDUSIM_LLM_MODEL" in result.output


def test_tutor_help_names_every_registered_tutor():
    import re

    from edusim.cli.tutoring import TUTOR_HELP
    from edusim.tutoring import tutor_names

    assert all(re.search(rf"(^|\s){re.escape(name)}[ ,.]", TUTOR_HELP) for name in tutor_names())
    result = CliRunner().invoke(app, ["tutor-eval", "--tutor", "socrates"])
    assert result.exit_code == 1 and "human-text" in result.output


def test_tutor_cli_plays_one_dialogue():
    result = CliRunner().invoke(app, ["tutor", "--index", "1", "--seed", "0"])
    assert result.exit_code == 0, result.output
    assert "Tutor (" in result.output and "mastery per step" in result.output


def test_student_presets_change_outcomes(sample_cases):
    from edusim.tutoring import STUDENT_PRESETS

    quick = evaluate_tutor(sample_cases, "offline", [0, 1, 2], params=STUDENT_PRESETS["quick"])
    slow = evaluate_tutor(sample_cases, "offline", [0, 1, 2], params=STUDENT_PRESETS["struggling"])
    area = [sum(r.metrics()["success_at_k"]) for r in (quick, slow)]
    assert area[0] > area[1]
