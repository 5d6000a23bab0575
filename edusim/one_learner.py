"""The one mechanism behind edusim's one-learner fast paths.

A single environment is a batch of one learner, and numpy's cost per call (about a
microsecond) dwarfs the arithmetic on arrays of one row. A hot batched method may therefore
name a *scalar twin*: the same computation on Python scalars, with the same draws and the
same float64 operations in the same order. :func:`fast_path` attaches the twin to the batched
method: a call runs the twin first, which either computes the result of a one-learner call or
returns :data:`BATCHED` at once (not a one-learner call) to hand over to the batched code.
Every twin in edusim is declared this way (grep ``@fast_path``), so there is one place to
look, and one switch, :func:`batched_only`, that turns every twin off: the tests run each
environment with and without the twins and require identical trajectories.

Example:
    >>> class Doubler:
    ...     def _twice_one(self, x):
    ...         if len(x) != 1:
    ...             return BATCHED
    ...         return [x[0] + x[0]]
    ...     @fast_path(_twice_one)
    ...     def twice(self, x):
    ...         return [2 * v for v in x]
    >>> Doubler().twice([3]), Doubler().twice([1, 2])
    ([6], [2, 4])
    >>> Doubler.twice.twin is Doubler._twice_one
    True
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final, TypeVar

__all__ = ["BATCHED", "batched_only", "fast_path"]

F = TypeVar("F", bound=Callable[..., Any])

#: What a twin returns for a call that is not a one-learner call.
BATCHED: Final = object()

_ENABLED: ContextVar[bool] = ContextVar("edusim_one_learner_fast_paths", default=True)


def fast_path(twin: Callable[..., Any]) -> Callable[[F], F]:
    """Decorate a batched method with its one-learner scalar ``twin``.

    Args:
        twin: Takes the method's arguments; returns the method's result for a one-learner
            call, else :data:`BATCHED` before changing anything. The decorated method takes
            positional arguments only (it is a hot path).
    """

    def decorate(batched: F) -> F:
        method = functools.wraps(batched)(_dispatcher(twin, batched))
        method.batched = batched  # type: ignore[attr-defined]
        method.twin = twin  # type: ignore[attr-defined]
        return method  # type: ignore[return-value]

    return decorate


#: The dispatcher's source. It is compiled once per decorated method with that method's own
#: parameter names (as :mod:`dataclasses` does for ``__init__``): a ``*args`` wrapper costs
#: about 150 ns a call against 45 ns for fixed parameters, and a single env step makes five
#: such calls.
_DISPATCH = """
def method(self, {params}):
    if enabled():
        result = twin(self, {params})
        if result is not BATCHED:
            return result
    return batched(self, {params})
"""


def _dispatcher(twin: Callable[..., Any], batched: Callable[..., Any]) -> Callable[..., Any]:
    """``batched`` behind ``twin``: the twin first, the batched method where it declines."""
    params = list(inspect.signature(batched).parameters.values())[1:]
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD or p.default is not p.empty for p in params):
        raise TypeError(f"@fast_path methods take plain positional parameters; "
                        f"{batched.__qualname__} has {inspect.signature(batched)}")
    scope = {"enabled": _ENABLED.get, "twin": twin, "batched": batched, "BATCHED": BATCHED}
    exec(_DISPATCH.format(params=", ".join(p.name for p in params)), scope)  # noqa: S102
    return scope["method"]


@contextmanager
def batched_only() -> Iterator[None]:
    """Within this block every :func:`fast_path` twin is off: one-learner calls take the
    batched code (to check a twin against it)."""
    token = _ENABLED.set(False)
    try:
        yield
    finally:
        _ENABLED.reset(token)
