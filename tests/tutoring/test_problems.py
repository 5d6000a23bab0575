"""Problem loaders, numbers in text, and the MathDial conversation parser."""

from __future__ import annotations

import json

import pytest

from edusim.tutoring import Move, ProblemError, load_cases, load_problem_file
from edusim.tutoring.moves import parse_mathdial_conversation
from edusim.tutoring.numbers import extract_numbers, result_of, states_final, states_value


def test_mathdial_loads_every_dialogue_with_steps_and_moves(mathdial_cases):
    assert len(mathdial_cases) == 321
    assert {c.problem.n_steps for c in mathdial_cases} <= {2, 3, 4}
    assert all(s.result is not None for c in mathdial_cases for s in c.problem.steps)
    assert all(c.incorrect_answer != c.problem.answer for c in mathdial_cases)
    moves = [m for c in mathdial_cases for m in c.reference_moves]
    focus_share = moves.count(Move.FOCUS) / len(moves)
    assert 0.30 < focus_share < 0.38  # MathDial reports about 34% focus


def test_first_case_is_the_spoons_problem(mathdial_cases):
    case = mathdial_cases[0]
    assert case.problem.answer == 10
    assert [s.result for s in case.problem.steps] == [15, 10]
    assert case.first_wrong_step() == 0
    assert case.student_name == "Mariana"
    assert case.reference[1].role == "student"


def test_named_student_turns_are_student_turns():
    turns = parse_mathdial_conversation(
        "Teacher: (probing)Why?|EOM|Cody: Because 5.|EOM|Teacher: ok"
    )
    assert [t.role for t in turns] == ["teacher", "student", "teacher"]
    assert turns[2].move is None
    with pytest.raises(ValueError, match="unknown move 'shouting'"):
        parse_mathdial_conversation("Teacher: (shouting)Hey")


def test_simple_json_file_and_errors_name_the_place(tmp_path, sample_cases):
    assert len(sample_cases) == 5 and all(c.first_wrong_step() is not None for c in sample_cases)
    path = tmp_path / "p.json"
    record = {"id": "a", "question": "1+1?", "steps": ["1 + 1 = 2"], "answer": "2"}
    path.write_text(json.dumps([record]))
    with pytest.raises(ProblemError, match=r"p\.json\[0\]: missing field 'incorrect_solution'"):
        load_problem_file(path)
    path.write_text(json.dumps([{**record, "incorrect_solution": ["1 + 1 = 3", "3"]}]))
    (case,) = load_problem_file(path)
    assert case.incorrect_answer == 3 and case.problem.steps[0].result == 2
    with pytest.raises(ProblemError, match="no such problem file"):
        load_cases(tmp_path / "missing.json")


def test_bad_mathdial_line_names_file_and_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"qid": 1}\n')
    with pytest.raises(ProblemError, match=r"d\.jsonl:1: missing field 'question'"):
        load_cases(path)


def test_numbers_in_text():
    assert extract_numbers("$3,650 x 0.1 = $365.") == [3650.0, 0.1, 365.0]
    assert result_of("Julia had 12+3=15 spoons.") == 15
    assert states_value("It costs $803.00", 803) and not states_value("8030", 803)
    assert states_final("12 + 3 = 15, so 10 spoons.", 10) and not states_final("10 or 11", 10)
