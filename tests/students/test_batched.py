"""BatchedStudents: shapes, learning, batched == separate, protocols, members, files."""

from __future__ import annotations

import pytest
import torch

from edusim.students import BatchedStudents, StudentFileError, make_students
from tests.students.toy import ANSWER_LEN, SMALL, addition

PROMPTS, ANSWERS = addition(200, seed=0)


@pytest.mark.parametrize("kind", ["transformer", "mlp"])
def test_shapes_and_padding_after_eos(kind) -> None:
    students = make_students(kind, seeds=[0, 1, 2], **SMALL)
    losses = students.fit(PROMPTS, ANSWERS, steps=4)
    assert losses.shape == (4, 3) and bool((losses > 0).all())
    predicted = students.predict(PROMPTS[:10])
    assert predicted.shape == (3, 10, ANSWER_LEN)
    tokens, logp = students.sample(PROMPTS[:10], n_samples=5, temperature=1.0)
    assert tokens.shape == (3, 10, 5, ANSWER_LEN) and logp.shape == (3, 10, 5)
    assert bool((logp <= 0).all())
    for answers in (predicted, tokens.flatten(1, 2)):
        ended = (answers == 1).int().cumsum(-1) - (answers == 1).int() > 0
        assert bool((answers[ended] == 0).all()), "tokens after EOS must be padding"


@pytest.mark.parametrize("kind", ["transformer", "mlp"])
def test_a_student_learns_one_digit_addition(kind) -> None:
    students = make_students(kind, seeds=[0], **{**SMALL, "steps": 300})
    before = students.correct(PROMPTS, ANSWERS).float().mean().item()
    losses = students.fit(PROMPTS, ANSWERS)
    after = students.correct(PROMPTS, ANSWERS).float().mean().item()
    assert before < 0.1 and after >= 0.95, (before, after)
    assert losses[-20:].mean() < 0.1 * losses[:5].mean()


@pytest.mark.parametrize("kind", ["transformer", "mlp"])
def test_student_k_of_a_batch_equals_the_same_student_trained_alone(kind) -> None:
    seeds = [5, 6, 7]
    datasets = [addition(50 + 10 * i, seed=i) for i in range(3)]  # one dataset each, sizes differ
    batch = make_students(kind, seeds=seeds, **SMALL)
    losses = batch.fit([d[0] for d in datasets], [d[1] for d in datasets], steps=15)
    samples = batch.sample(PROMPTS[:8], 4)[0]
    for k, seed in enumerate(seeds):
        alone = make_students(kind, seeds=[seed], **SMALL)
        alone_losses = alone.fit(*datasets[k], steps=15)
        torch.testing.assert_close(alone_losses[:, 0], losses[:, k], rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(alone.flat[0], batch.flat[k], rtol=1e-4, atol=1e-5)
        assert torch.equal(alone.sample(PROMPTS[:8], 4)[0][0], samples[k])
    assert not torch.allclose(batch.flat[0], batch.flat[1])


def test_same_seed_same_result_and_seeds_differ() -> None:
    runs = [make_students(seeds=[3, 4], **SMALL) for _ in range(2)]
    first, second = (r.fit(PROMPTS, ANSWERS, steps=5) for r in runs)
    assert torch.equal(first, second) and torch.equal(runs[0].flat, runs[1].flat)
    assert not torch.equal(first[:, 0], first[:, 1])


def _round_trip(protocol: str) -> tuple[BatchedStudents, BatchedStudents]:
    """Two rounds of the protocol, and what the second round must equal by definition."""
    students = make_students(seeds=[0, 1], **{**SMALL, "protocol": protocol, "steps": 6})
    first, second = addition(40, seed=1), addition(30, seed=2)
    students.train_round(*first)
    expected = students.clone()
    students.train_round(*second)
    if protocol == "reinit":
        expected.reinit()
        expected.fit(torch.cat([first[0], second[0]]), torch.cat([first[1], second[1]]), steps=6)
    else:
        expected.fit(*second, steps=6)
    return students, expected


@pytest.mark.parametrize("protocol", ["reinit", "continual"])
def test_protocols_train_as_specified(protocol) -> None:
    students, expected = _round_trip(protocol)
    torch.testing.assert_close(students.flat, expected.flat, rtol=0, atol=0)
    assert students.history.counts.tolist() == [70, 70]  # both keep the data so far


def test_protocols_differ() -> None:
    assert not torch.allclose(_round_trip("reinit")[0].flat, _round_trip("continual")[0].flat)


def test_reinit_clone_take_restore_act_on_members_only() -> None:
    students = make_students(seeds=[0, 1, 2], **SMALL)
    initial = students.clone()
    students.fit(PROMPTS, ANSWERS, steps=3)
    trained = students.clone()
    students.reinit(torch.tensor([True, False, True]))
    assert torch.equal(students.flat[0], initial.flat[0])
    assert torch.equal(students.flat[1], trained.flat[1])
    promoted = trained.take([1, 1])
    assert promoted.n_students == 2 and torch.equal(promoted.flat[0], trained.flat[1])
    students.restore(trained)
    assert torch.equal(students.flat, trained.flat)
    students.restore(initial, members=[2], source_members=[0])
    assert torch.equal(students.flat[2], initial.flat[0])
    students.set_base([1])
    students.reinit()
    assert torch.equal(students.flat[1], trained.flat[1])
    assert torch.equal(students.flat[0], initial.flat[0])


def test_a_sub_batch_trained_in_place_of_members_carries_its_draws_back() -> None:
    whole, parts = make_students(seeds=[0, 1, 2], **SMALL), make_students(seeds=[0, 1, 2],
                                                                         **SMALL)
    for _ in range(2):  # twice: the second round must draw on from where the first ended
        whole.fit(PROMPTS, ANSWERS, steps=2)
        for k in range(3):
            part = parts.take([k])
            part.fit(PROMPTS, ANSWERS, steps=2)
            parts.restore(part, members=[k], source_members=[0], generators=True)
    assert torch.equal(parts.flat, whole.flat)
    stale = make_students(seeds=[0], **SMALL)
    part = stale.take([0])
    part.fit(PROMPTS, ANSWERS, steps=2)
    stale.restore(part)  # without generators: the next draws repeat the first ones
    assert not torch.equal(stale.fit(PROMPTS, ANSWERS, steps=2), part.fit(PROMPTS, ANSWERS,
                                                                          steps=2))


def test_save_load_resumes_exactly(tmp_path) -> None:
    students = make_students("mlp", seeds=[0, 1], **SMALL)
    students.train_round(PROMPTS, ANSWERS, steps=3)
    path = students.save(tmp_path / "students.pt")
    loaded = BatchedStudents.load(path)
    assert torch.equal(loaded.predict(PROMPTS), students.predict(PROMPTS))
    torch.testing.assert_close(loaded.fit(PROMPTS, ANSWERS, steps=3),
                               students.fit(PROMPTS, ANSWERS, steps=3), rtol=0, atol=0)
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(StudentFileError, match="cannot read"):
        BatchedStudents.load(tmp_path / "bad.pt")


@pytest.mark.parametrize("prompts, answers, error, message", [
    (PROMPTS[:, 1:], ANSWERS, ValueError, "prompt_len"),
    (PROMPTS, ANSWERS + 20, ValueError, r"token ids must lie in \[0, 16\)"),
    (PROMPTS.float(), ANSWERS, TypeError, "integer token ids"),
    (PROMPTS[None].expand(3, -1, -1), ANSWERS, ValueError, "3 datasets for 2 students"),
    (PROMPTS[:10], ANSWERS, ValueError, "10 prompts but 200 answers"),
])
def test_bad_data_raises_a_clear_error(prompts, answers, error, message) -> None:
    with pytest.raises(error, match=message):
        make_students(seeds=[0, 1], **SMALL).fit(prompts, answers, steps=1)
