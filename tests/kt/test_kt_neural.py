"""DKT and SAKT: causality, padding, memory API, smoke training, saving."""

import numpy as np
import pytest
import torch

from edusim.kt import FitSpec, TrainConfig, Vocabulary, encode, evaluate_model, fit
from edusim.kt.fitted import load_model, save_model
from edusim.kt.registry import build_model, neural_names

KINDS = neural_names()
SMALL = {"dkt": {"hidden": 16, "embedding": 16}, "sakt": {"dim": 16, "heads": 2}}
VARIANTS = {**SMALL, "sakt+recency": {"dim": 16, "heads": 2, "recency": True}}


def _net(variant):
    with torch.random.fork_rng():
        torch.manual_seed(0)
        kind = variant.split("+")[0]
        return build_model(kind, vocab_size=6, window=8, config=VARIANTS[variant]).eval()


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_no_step_sees_its_own_or_a_later_answer(kind):
    net = _net(kind)
    tokens = torch.randint(2, 6, (2, 7, 1))
    correct = torch.randint(0, 2, (2, 7)).float()
    flipped = correct.clone()
    flipped[:, 4:] = 1 - flipped[:, 4:]
    with torch.no_grad():
        a, b = net(tokens, correct), net(tokens, flipped)
    torch.testing.assert_close(a[:, :5], b[:, :5])
    assert not torch.allclose(a[:, 5:], b[:, 5:])


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_padding_does_not_change_predictions(kind):
    net = _net(kind)
    tokens = torch.randint(2, 6, (1, 4, 1))
    correct = torch.randint(0, 2, (1, 4)).float()
    padded_tokens = torch.cat([tokens, torch.zeros(1, 3, 1, dtype=torch.long)], dim=1)
    padded_correct = torch.cat([correct, torch.zeros(1, 3)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(net(padded_tokens, padded_correct)[:, :4], net(tokens, correct))


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_memory_steps_reproduce_the_sequence_forward(kind):
    net = _net(kind)
    tokens = torch.randint(2, 6, (3, 7, 1))
    correct = torch.randint(0, 2, (3, 7)).float()
    with torch.no_grad():
        full = net(tokens, correct)
        memory, stepwise = net.init_memory(3), []
        for t in range(7):
            stepwise.append(net.memory_logits(memory).gather(1, tokens[:, t])[:, 0])
            memory = net.advance(memory, tokens[:, t], correct[:, t])
    torch.testing.assert_close(torch.stack(stepwise, 1), full, atol=1e-5, rtol=1e-5)


def test_multi_skill_rows_are_pooled_not_expanded():
    net = _net("dkt")
    tokens = torch.tensor([[[2, 3], [4, 0]]])
    with torch.no_grad():
        logits = net(tokens, torch.tensor([[1.0, 0.0]]))
    assert logits.shape == (1, 2)


@pytest.mark.parametrize("kind", KINDS)
def test_smoke_training_beats_chance_and_round_trips(kind, small_frame, tmp_path):
    spec = FitSpec(kind, model=SMALL[kind],
                   train=TrainConfig(epochs=3, window=10, batch_size=32, lr=5e-3, device="cpu"))
    model = fit(spec, small_frame)
    metrics = evaluate_model(model, small_frame, device="cpu")
    assert metrics.auc > 0.6
    assert len(model.history) == 3
    save_model(model, tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt")
    data = encode(small_frame, model.vocab)
    np.testing.assert_array_equal(again.predict(data, "cpu"), model.predict(data, "cpu"))


def test_question_level_vocabulary_uses_items(small_frame):
    vocab = Vocabulary.from_frame(small_frame, "question")
    assert vocab.level.value == "question"
    assert set(vocab.tokens[1:]) == set(small_frame["item_id"])


def test_unknown_model_lists_choices():
    with pytest.raises(ValueError, match="choose from"):
        FitSpec("lstm-xl")
