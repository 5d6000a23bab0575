"""Reading a tutor's message: sums, questions, the step it is about, telling, nonsense."""

from __future__ import annotations

import pytest

from edusim.tutoring import Move, read_message
from edusim.tutoring.reading import parse_expressions
from edusim.tutoring.words import says_dont_know


@pytest.fixture
def spoons(sample_cases):
    return sample_cases[0].problem  # 12 + 3 = 15, then 15 - 5 = 10


@pytest.mark.parametrize(
    ("text", "sum_"),
    [
        ("What is 12 + 3?", (12.0, "+", 3.0, None)),
        ("She pays $3,650 x 0.1 = $365.", (3650.0, "*", 0.1, 365.0)),
        ("Now take away her husband's 5 from that 15.", (15.0, "-", 5.0, None)),
        ("Divide 4015 by 5.", (4015.0, "/", 5.0, None)),
        ("What is 7 times 6?", (7.0, "*", 6.0, None)),
    ],
)
def test_sums_written_with_symbols_or_words(text, sum_):
    (expr,) = parse_expressions(text)
    assert (expr.left, expr.op, expr.right, expr.stated) == sum_


def test_a_sum_asked_points_at_its_step(spoons):
    first = read_message("What number do you get for 12 + 3?", spoons)
    assert first.asked is not None and first.asked.value == 15.0
    assert first.step == 0 and first.move is Move.FOCUS and not first.told_steps
    second = read_message("Now take away her husband's 5 from that 15.", spoons)
    assert second.step == 1 and second.asked.value == 10.0


def test_a_step_is_found_from_its_words_without_numbers(spoons):
    reading = read_message("How many spoons did Julia have before tasting the stew?", spoons)
    assert reading.step == 0 and reading.questions and reading.asked is None


def test_giving_a_value_away_is_telling(spoons):
    step = read_message("She had 15 spoons before the stew.", spoons)
    assert step.told_steps == (0,) and not step.tells_answer and step.move is Move.TELLING
    answer = read_message("The package had 10 spoons.", spoons)
    assert answer.tells_answer and answer.move is Move.TELLING


def test_numbers_the_question_gives_are_not_telling(spoons):
    reading = read_message("Remember she had 12 spoons on the table and used 3.", spoons)
    assert not reading.told_steps and not reading.tells_answer


def test_quoted_working_is_not_a_sum_to_work_out(spoons):
    reading = read_message('You wrote "12 - 3 = 9". Why did you do that?', spoons)
    assert reading.asked is None and reading.move is Move.PROBING


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("Why did you subtract 3?", Move.PROBING),
        ("Talk me through your solution.", Move.PROBING),
        ("Look at the spoons she used for the stew. What do you notice?", Move.FOCUS),
        ("Great job, keep going!", Move.GENERIC),
    ],
)
def test_unlabelled_messages_get_a_move(spoons, text, move):
    assert read_message(text, spoons).move is move


@pytest.mark.parametrize("text", ["banana banana banana", "asdf qwerty", "zzz"])
def test_nonsense_is_recognised(spoons, text):
    reading = read_message(text, spoons)
    assert reading.nonsense and reading.step is None and reading.move is Move.GENERIC


def test_ordinary_talk_is_not_nonsense(spoons):
    assert not read_message("Hmm, are you sure?", spoons).nonsense
    assert not read_message("Think about the stew.", spoons).nonsense


def test_dont_know():
    assert says_dont_know("i dont know") and says_dont_know("No idea, sorry")
    assert not says_dont_know("I know: it is 15")
