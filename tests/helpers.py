"""Small pieces several test folders share: a teacher-env loop, a one-thread torch block and
the check that a command failed with one clear line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np


def play(env: Any, teacher: Any, obs: Any, steps: int) -> list[np.ndarray]:
    """``steps`` act/step/observe rounds from ``obs``, each action checked against the env's
    action space; the actions taken (copies), in order."""
    actions = []
    for _ in range(steps):
        action = teacher.act(obs)
        assert env.action_space.contains(action), f"{action!r} is outside {env.action_space}"
        obs, reward, *_ = env.step(action)
        teacher.observe(action, reward, obs)
        actions.append(np.array(action, copy=True))
    return actions


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Torch on one intra-op thread inside the block, the previous count restored after.

    Tiny tensors on a shared, oversubscribed machine: two threads that wait for each other at
    every small op made the student tests 30x slower (measured).
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def one_line_error(args: list[str], *expected: str) -> str:
    """Run ``edusim ARGS``; check that it exits 1 with exactly one ``error: ...`` line (no
    traceback, no crash) holding each of ``expected``; the line."""
    from typer.testing import CliRunner

    from edusim.cli import app

    result = CliRunner().invoke(app, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]
