"""Tutor policies: rule-based, random-move, replay, and a language model over real HTTP."""

from __future__ import annotations

import json

import pytest

from edusim.llm import LLMError, OfflineBackend, StructuredOutputError
from edusim.llm.testing import StubChatServer
from edusim.tutoring import (
    BackendTutor,
    DialogueView,
    Move,
    Turn,
    TutoringSession,
    make_tutor,
    tutor_names,
)
from edusim.tutoring.numbers import states_value


def _stuck_view(case, n_turns, step):
    turns = []
    for _ in range(n_turns):
        turns += [Turn("teacher", "...", Move.FOCUS, step), Turn("student", "I still get 1234567.")]
    return DialogueView(case, tuple(turns))


def test_offline_tutor_probes_first_and_tells_last(sample_cases):
    case = sample_cases[1]  # three steps; the student diverges at step 0
    tutor = make_tutor("offline", seed=0)
    moves = [tutor.next_turn(_stuck_view(case, n, 0)).value.move for n in range(5)]
    assert moves[0] is Move.PROBING
    assert Move.TELLING not in moves[:3] and moves[3] is Move.TELLING
    told = tutor.next_turn(_stuck_view(case, 3, 0)).value
    assert told.step == 0 and case.problem.steps[0].text in told.text


def test_offline_tutor_withholds_the_final_answer_until_last_resort(sample_cases):
    case = sample_cases[0]
    last = case.problem.n_steps - 1
    base = (Turn("student", "Oh, 12 + 3 = 15 spoons."),)
    tutor = make_tutor("offline", seed=0)
    texts = []
    for n in range(8):
        view = _stuck_view(case, n, last)
        view = DialogueView(case, base + view.transcript)
        turn = tutor.next_turn(view).value
        assert turn.step == last
        texts.append(turn.text)
    leaks = [states_value(t, case.problem.answer) for t in texts]
    assert leaks.index(True) == 6  # the value of the final step only after six turns on it
    assert "Can you finish it?" in texts[3]  # the method first


def test_offline_tutor_praises_a_solved_problem(sample_cases):
    case = sample_cases[0]
    view = DialogueView(case, (Turn("teacher", "?", Move.FOCUS, 0), Turn("student", "It is 10.")))
    turn = make_tutor("offline", seed=0).next_turn(view).value
    assert turn.move is Move.GENERIC and turn.step is None


def test_random_tutor_uses_every_move_and_is_seeded(sample_cases):
    view = DialogueView(sample_cases[0], ())
    draw = [make_tutor("random", seed=1).next_turn(view).value.move for _ in range(1)]
    tutor_a, tutor_b = make_tutor("random", seed=5), make_tutor("random", seed=5)
    a = [tutor_a.next_turn(view).value.move for _ in range(40)]
    b = [tutor_b.next_turn(view).value.move for _ in range(40)]
    assert a == b and set(a) == set(Move) and draw


def test_make_tutor_rejects_unknown_names_and_llm_without_backend():
    with pytest.raises(ValueError, match="choose from: offline, random, llm"):
        make_tutor("socrates")
    with pytest.raises(ValueError, match="needs a chat backend"):
        make_tutor("llm")
    assert {"offline", "random", "llm", "human-text", "generic"} <= set(tutor_names())


def test_every_registered_tutor_has_a_name_for_people_and_builds(sample_cases, mathdial_cases):
    from edusim.tutoring import TUTORS, Tutor

    view = DialogueView(mathdial_cases[0], ())
    for name in tutor_names():
        entry = TUTORS.entry(name)
        assert entry.display_name and entry.description.endswith(".")
        backend = OfflineBackend(seed=0) if entry.metadata.get("backend") else None
        tutor = make_tutor(name, seed=0, backend=backend)
        assert isinstance(tutor, Tutor) and tutor.next_turn(view).value.text


def test_human_text_tutor_says_the_teachers_words_then_encourages(mathdial_cases):
    case = mathdial_cases[0]
    teacher = [t for t in case.reference if t.role == "teacher"]
    session = TutoringSession(case, make_tutor("human-text", seed=0), None,
                              max_student_turns=len(teacher) + 2)
    said = []
    for _ in range(len(teacher) + 2):
        said.append(session.tutor_turn().value)
        session.student_turn("I am not sure, maybe 9?")
    assert [t.text for t in said[: len(teacher)]] == [t.text for t in teacher]
    assert [t.move for t in said[: len(teacher)]] == [t.move for t in teacher]
    after = said[len(teacher):]
    assert all(t.move is Move.GENERIC and not any(c.isdigit() for c in t.text) for t in after)
    assert after[0].text != after[1].text


def test_generic_tutor_only_encourages(sample_cases):
    from edusim.tutoring import read_message

    case = sample_cases[0]
    session = TutoringSession(case, make_tutor("generic", seed=3), None, max_student_turns=6)
    texts = []
    for _ in range(6):
        texts.append(session.tutor_turn().value.text)
        session.student_turn("Hmm, 4?")
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False))
    readings = [read_message(t, case.problem) for t in texts]
    assert all(not r.numbers and not r.requests and r.step is None for r in readings)


def test_replay_tutors_need_a_reference_dialogue(sample_cases):
    for name in ("replay", "human-text"):
        with pytest.raises(ValueError, match="no reference dialogue"):
            make_tutor(name, seed=0).next_turn(DialogueView(sample_cases[0], ()))


def test_replay_tutor_follows_the_human_moves(mathdial_cases):
    case = mathdial_cases[0]
    session = TutoringSession(case, make_tutor("replay"), None)
    moves = []
    for _ in range(3):
        moves.append(session.tutor_turn().value.move)
        session.student_turn("I am not sure, maybe 9?")
    assert tuple(moves) == case.reference_moves[:3]


def test_llm_tutor_over_http_returns_move_and_text(sample_cases):
    case = sample_cases[0]
    reply = 'Sure! {"move": "focus", "text": "Which spoons are still there?", "step": 1}'
    with StubChatServer(reply=reply) as server:
        tutor = BackendTutor(server.backend())
        session = TutoringSession(case, tutor, None)
        answer = session.tutor_turn()
        prompt = json.dumps(server.requests[-1].body["messages"])
    assert answer.value.move is Move.FOCUS and answer.value.step == 0
    assert answer.backend.startswith("OpenAI-compatible at http://127.0.0.1:")
    assert case.problem.steps[0].text in json.loads(prompt)[1]["content"]


def test_llm_tutor_without_a_move_label_is_a_parse_error(sample_cases):
    view = DialogueView(sample_cases[0], ())
    with StubChatServer(reply="Let's think about the spoons together!") as server:
        with pytest.raises(StructuredOutputError) as info:
            BackendTutor(server.backend()).next_turn(view)
    assert isinstance(info.value, LLMError) and "move" in str(info.value)


def test_offline_backend_answer_names_the_rule_based_backend(sample_cases):
    answer = BackendTutor(OfflineBackend(seed=0)).next_turn(DialogueView(sample_cases[0], ()))
    assert answer.backend == "offline (rule-based)" and answer.text is None


def test_rule_based_turns_carry_class_fields(sample_cases):
    case = sample_cases[0]
    first = make_tutor("offline", seed=0).next_turn(DialogueView(case, ())).value
    assert first.evaluation == "no response yet"
    assert first.action == "probing on step 1"
    assert first.subproblem_state == "0 of 2 steps reached; step 1 open"
    view = DialogueView(case, (Turn("teacher", "?", Move.PROBING, 0), Turn("student", "Oh, 15.")))
    later = make_tutor("offline", seed=0).next_turn(view).value
    assert later.evaluation == "partially correct" and later.step == 1


def test_a_bad_tutor_reply_raises_without_a_chain_holding_its_text():
    """The parse error was raised inside the handler (``from None`` only hides the chain):
    ``__context__`` still held the first error, and with it the model's text."""
    from edusim.llm import StructuredOutputError
    from edusim.tutoring.prompts import parse_tutor_reply

    with pytest.raises(StructuredOutputError, match="expected") as info:
        parse_tutor_reply('{"move": "dance", "text": "sk-secret-piece"}', n_steps=3)
    assert info.value.__context__ is None and info.value.__cause__ is None
