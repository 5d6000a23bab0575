"""Fixtures for the data tests (helpers live in ``data_helpers``)."""

from .data_helpers import contents  # noqa: F401  (fixture)
