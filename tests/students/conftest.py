"""Student tests run torch on one thread: on a shared, oversubscribed machine two threads
that wait for each other at every small op made these tests 30x slower (measured)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
