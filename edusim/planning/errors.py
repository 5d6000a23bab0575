"""The one exception type of :mod:`edusim.planning`."""

from __future__ import annotations

__all__ = ["PlanningError"]


class PlanningError(ValueError):
    """A plan, profile or planning request is invalid; the message says what and where."""
