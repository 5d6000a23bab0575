"""Checkpoints: a run killed partway and resumed ends with the uninterrupted run's weights."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
import torch

from edusim.kt import ModelFileError, TrainConfig, Vocabulary, encode, fit_neural
from edusim.kt.io import atomic_save, load_file
from edusim.kt.train import CHECKPOINT_NAME

CONFIG = TrainConfig(epochs=4, window=10, batch_size=16, patience=10, device="cpu", seed=5)
MODEL = {"hidden": 12, "embedding": 12}

# Trains in a child process that SIGKILLs itself in the middle of epoch 3 (no cleanup runs).
_CHILD = textwrap.dedent("""
    import os, signal, sys
    import pandas as pd
    from edusim.kt import TrainConfig, Vocabulary, encode, fit_neural
    frame = pd.read_pickle(sys.argv[1])
    vocab = Vocabulary.from_frame(frame)
    def kill(event):
        if event.kind.value == "batch" and event.epoch == 2 and event.batch == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    config = TrainConfig(epochs=4, window=10, batch_size=16, patience=10, device="cpu", seed=5)
    fit_neural("dkt", encode(frame, vocab), vocab, {"hidden": 12, "embedding": 12}, config,
               checkpoint_dir=sys.argv[2], callback=kill)
""")


def _fit(frame, **kwargs):
    vocab = Vocabulary.from_frame(frame)
    return fit_neural("dkt", encode(frame, vocab), vocab, MODEL, CONFIG, **kwargs)


def _assert_same_weights(a, b):
    for (name, x), (_, y) in zip(a.model.state_dict().items(), b.model.state_dict().items(),
                                 strict=True):
        assert torch.equal(x, y), name


def test_resume_after_kill_matches_uninterrupted_run(small_frame, tmp_path):
    data_file, run_dir = tmp_path / "frame.pkl", tmp_path / "run"
    small_frame.to_pickle(data_file)
    child = subprocess.run([sys.executable, "-c", _CHILD, str(data_file), str(run_dir)],
                           capture_output=True, text=True, timeout=300,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert (run_dir / CHECKPOINT_NAME).is_file()
    assert not [p for p in os.listdir(run_dir) if p.startswith(".")], "temp file left behind"
    resumed = _fit(small_frame, checkpoint_dir=run_dir, resume=True)
    straight = _fit(small_frame)
    _assert_same_weights(resumed, straight)
    assert resumed.history == straight.history


def test_resume_from_another_setup_is_refused(small_frame, tmp_path):
    class Stop(Exception):
        pass

    def stop(event):
        if event.kind.value == "epoch":
            raise Stop

    with pytest.raises(Stop):
        _fit(small_frame, checkpoint_dir=tmp_path, callback=stop)
    vocab = Vocabulary.from_frame(small_frame)
    other = TrainConfig(epochs=4, window=10, batch_size=8, device="cpu", seed=5)
    with pytest.raises(ModelFileError, match="train config"):
        fit_neural("dkt", encode(small_frame, vocab), vocab, MODEL, other,
                   checkpoint_dir=tmp_path, resume=True)


def test_checkpoint_from_before_a_new_setting_still_resumes(small_frame, tmp_path):
    """A checkpoint written before ``stride`` existed lacks it: it counts as the default."""
    straight = _fit(small_frame, checkpoint_dir=tmp_path)
    path = tmp_path / CHECKPOINT_NAME
    state = load_file(path)
    del state["train_config"]["stride"]
    atomic_save(state, path)
    resumed = _fit(small_frame, checkpoint_dir=tmp_path, resume=True)
    _assert_same_weights(resumed, straight)
