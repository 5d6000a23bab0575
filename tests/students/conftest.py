"""Student tests run torch on one thread (see :func:`tests.helpers.one_torch_thread`)."""

from __future__ import annotations

import pytest

from tests.helpers import one_torch_thread


@pytest.fixture(autouse=True)
def _one_torch_thread():
    with one_torch_thread():
        yield
