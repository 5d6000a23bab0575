"""Overlapping (sliding) windows: each row predicted once, with its earlier rows in view."""

import numpy as np
import pytest
import torch

from edusim.kt import TrainConfig, Vocabulary, encode, fit_neural
from edusim.kt.fitted import load_model, predict_windows, save_model
from edusim.kt.registry import build_model
from edusim.kt.sequences import Interactions


def _data(lengths=(3, 10, 1, 17), seed=0) -> Interactions:
    rng = np.random.default_rng(seed)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    n = int(offsets[-1])
    users = np.array([f"u{i}" for i in range(len(lengths))], dtype=object)
    return Interactions(rng.integers(2, 6, (n, 1)), rng.random(n) < 0.5, offsets, users)


@pytest.mark.parametrize(("window", "stride"), [(5, 1), (5, 2), (5, 4), (8, 3)])
def test_every_row_is_new_once_with_enough_context(window, stride):
    data = _data()
    windows = data.sliding_windows(window, stride)
    starts, ends, new = windows.T
    assert ((ends - starts <= window) & (starts <= new) & (new < ends)).all()
    counts = np.zeros(len(data), dtype=int)
    for s, e in zip(new, ends, strict=True):
        counts[s:e] += 1
    np.testing.assert_array_equal(counts, 1)
    learner = data.learner_of_row()
    assert (learner[starts] == learner[ends - 1]).all()
    first = data.offsets[learner[new]]
    assert (new - starts >= np.minimum(window - stride, new - first)).all()


def test_stride_must_be_below_window():
    with pytest.raises(ValueError, match="stride"):
        _data().sliding_windows(5, 5)
    with pytest.raises(ValueError, match="stride"):
        TrainConfig(window=5, stride=0)


@pytest.mark.parametrize("kind", ["dkt", "sakt"])
def test_stride_one_predicts_each_row_from_its_last_window_rows(kind):
    data, window = _data(), 5
    with torch.random.fork_rng():
        torch.manual_seed(0)
        config = {"dim": 8, "heads": 2} if kind == "sakt" else {"hidden": 8, "embedding": 8}
        net = build_model(kind, vocab_size=6, window=window, config=config).eval()
    got = predict_windows(net, data, window, "cpu", batch_size=3, stride=1)
    learner = data.learner_of_row()
    expected = np.empty(len(data))
    with torch.no_grad():
        for row in range(len(data)):
            start = max(int(data.offsets[learner[row]]), row - window + 1)
            batch = data.batch(np.array([[start, row + 1]]))
            expected[row] = torch.sigmoid(net(batch.tokens, batch.correct))[0, -1].item()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_no_sliding_prediction_sees_its_own_answer():
    data, window = _data(lengths=(40,)), 6
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = build_model("sakt", vocab_size=6, window=window, config={"dim": 8, "heads": 2})
    flipped = data.correct.copy()
    flipped[20:] = ~flipped[20:]
    other = Interactions(data.tokens, flipped, data.offsets, data.users)
    a = predict_windows(net.eval(), data, window, "cpu", stride=2)
    b = predict_windows(net, other, window, "cpu", stride=2)
    np.testing.assert_array_equal(a[:21], b[:21])
    assert not np.allclose(a[21:], b[21:])


def test_fitted_model_keeps_its_stride(small_frame, tmp_path):
    vocab = Vocabulary.from_frame(small_frame)
    data = encode(small_frame, vocab)
    config = TrainConfig(epochs=1, window=8, stride=3, batch_size=64, device="cpu")
    model = fit_neural("sakt", data, vocab, {"dim": 8, "heads": 2}, config)
    assert model.stride == 3
    save_model(model, tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt")
    assert again.stride == 3
    np.testing.assert_array_equal(again.predict(data, "cpu"), model.predict(data, "cpu"))
