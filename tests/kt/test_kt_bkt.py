"""BKT by batched EM: exact forward pass, parameter recovery, restarts, forgetting."""

import numpy as np
import pytest
import torch

from edusim.kt import BKTFitConfig, Vocabulary, encode, evaluate, fit_bkt
from edusim.kt.bkt_fit import _initial
from edusim.kt.buckets import LengthBuckets
from edusim.kt.chains import Chains, sum_rows

from .conftest import TRUE_PARAMS


def _naive_predictions(model, data):
    """P(correct) per row by a plain per-learner, per-skill loop (the textbook recursion)."""
    out = np.zeros(len(data))
    for u in range(len(data.users)):
        known = {}
        for row in range(data.offsets[u], data.offsets[u + 1]):
            k = int(data.tokens[row, 0])
            p = known.get(k, model.prior[k])
            g, s = model.guess[k], model.slip[k]
            out[row] = p * (1 - s) + (1 - p) * g
            like1 = (1 - s) if data.correct[row] else s
            like0 = g if data.correct[row] else 1 - g
            post = p * like1 / (p * like1 + (1 - p) * like0)
            known[k] = post * (1 - model.forget[k]) + (1 - post) * model.learn[k]
    return out


def test_packed_forward_matches_the_textbook_recursion(small_frame):
    vocab = Vocabulary.from_frame(small_frame)
    data = encode(small_frame, vocab)
    model = fit_bkt(data, vocab, BKTFitConfig(forgetting=True, max_iter=5, device="cpu"))
    assert model.forget[2:].max() > 0
    np.testing.assert_allclose(model.predict(data, "cpu"), _naive_predictions(model, data),
                               rtol=1e-10)


def test_chains_cover_every_token_once(small_frame):
    vocab = Vocabulary.from_frame(small_frame)
    data = encode(small_frame, vocab)
    chains = Chains.build(data, "cpu")
    assert chains.n_elements == len(data)
    assert sorted(chains.row.tolist()) == list(range(len(data)))
    assert chains.steps == sorted(chains.steps, reverse=True)


def test_em_recovers_known_parameters(bkt_frame):
    vocab = Vocabulary.from_frame(bkt_frame)
    model = fit_bkt(encode(bkt_frame, vocab), vocab,
                    BKTFitConfig(restarts=3, max_iter=200, tol=1e-4, device="cpu"))
    index = [vocab.tokens.index(s) + 1 for s in ("a", "b", "c")]
    fitted = {"p_init": model.prior, "p_learn": model.learn, "p_guess": model.guess,
              "p_slip": model.slip}
    for name, truth in TRUE_PARAMS.items():
        np.testing.assert_allclose(fitted[name][index], truth, atol=0.05, err_msg=name)
    assert (model.iterations[index] < 200).all(), "EM should converge before max_iter"


def test_em_improves_on_every_restart_start(small_frame):
    vocab = Vocabulary.from_frame(small_frame)
    data = encode(small_frame, vocab)
    config = BKTFitConfig(restarts=4, seed=3, device="cpu")
    chains = Chains.build(data, "cpu")
    start = _initial(vocab.size, config, torch.device("cpu"))
    start_ll = sum_rows(torch.log(chains.forward(start).den), chains.skill, vocab.size)
    model = fit_bkt(data, vocab, config)
    assert (model.log_likelihood[2:] > start_ll.max(dim=1).values.numpy()[2:]).all()
    assert evaluate(data.correct, model.predict(data, "cpu")).auc > 0.6


def test_unseen_skill_gets_mean_parameters(small_frame):
    vocab = Vocabulary.from_frame(small_frame)
    model = fit_bkt(encode(small_frame, vocab), vocab, BKTFitConfig(device="cpu"))
    assert model.prior[1] == pytest.approx(model.prior[2:].mean())


def test_bad_config_raises():
    with pytest.raises(ValueError, match="restarts"):
        BKTFitConfig(restarts=0)
    with pytest.raises(ValueError, match="tol"):
        BKTFitConfig(tol=0)


def test_closed_form_e_step_equals_forward_backward(small_frame):
    vocab = Vocabulary.from_frame(small_frame)
    data = encode(small_frame, vocab)
    params = _initial(vocab.size, BKTFitConfig(restarts=2, seed=7), torch.device("cpu"))
    recursion = Chains.build(data, "cpu").e_step(params, forgetting=False)
    closed = LengthBuckets.build(data, "cpu").e_step(params, forgetting=False)
    for name in ("loglik", "starts_known", "chains", "learned", "unknown_from", "unknown",
                 "known", "right_unknown", "wrong_known"):
        torch.testing.assert_close(getattr(closed, name), getattr(recursion, name),
                                   rtol=1e-9, atol=1e-9, msg=name)
