"""Deadlines for whole requests: a slow server cannot hold a caller past its time.

An HTTP client's timeout bounds each *read*; a server that sends one byte every few seconds
never trips it. :func:`call_by` and :func:`iterate_by` run the request in a daemon thread and
give up when the deadline passes, whatever the server does. The abandoned thread ends on its
own once its connection is closed (the caller closes the client) or its per-read timeout fires.

Example:
    >>> call_by(lambda: 6 * 7, Deadline(1.0))
    42
    >>> import time
    >>> call_by(lambda: time.sleep(5), Deadline(0.05))
    Traceback (most recent call last):
    ...
    edusim.llm.deadline.DeadlineExceeded: deadline of 0.05 s passed
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["Deadline", "DeadlineExceeded", "call_by", "iterate_by"]

T = TypeVar("T")
_END = object()


class DeadlineExceeded(TimeoutError):
    """The deadline passed before the work finished."""


class Deadline:
    """A point in time ``seconds`` from now (monotonic clock).

    Example:
        >>> Deadline(10.0).remaining() > 9.0
        True
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self._end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left (0 once passed)."""
        return max(0.0, self._end - time.monotonic())

    def exceeded(self) -> DeadlineExceeded:
        """The error to raise when it has passed."""
        return DeadlineExceeded(f"deadline of {self.seconds:g} s passed")


def call_by(fn: Callable[[], T], deadline: Deadline) -> T:
    """``fn()``, or :class:`DeadlineExceeded` once ``deadline`` passes; ``fn``'s errors propagate.

    Raises:
        DeadlineExceeded: When ``fn`` has not returned by the deadline.
    """
    outcome: list = []

    def work() -> None:
        try:
            outcome.append((True, fn()))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append((False, exc))

    worker = threading.Thread(target=work, name="edusim-llm-request", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if not outcome:
        raise deadline.exceeded()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def iterate_by(make: Callable[[], Iterable[T]], deadline: Deadline) -> Iterator[T]:
    """The items of ``make()`` as they arrive, until ``deadline`` (for the whole iteration).

    Closing the returned generator early tells the producing thread to stop at its next item.

    Raises:
        DeadlineExceeded: When the next item has not arrived by the deadline.
    """
    items: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            source = make()
            for item in source:
                items.put((True, item))
                if stop.is_set():
                    getattr(source, "close", lambda: None)()
                    return
            items.put((True, _END))
        except BaseException as exc:  # handed to the consumer's thread
            items.put((False, exc))

    threading.Thread(target=produce, name="edusim-llm-stream", daemon=True).start()
    try:
        while True:
            try:
                ok, item = items.get(timeout=deadline.remaining())
            except queue.Empty:
                raise deadline.exceeded() from None
            if not ok:
                raise item
            if item is _END:
                return
            yield item
    finally:
        stop.set()
