"""Worker processes that die with the process that started them.

A driver killed with SIGKILL runs no clean-up, so its worker processes must notice on their
own. On Linux each worker asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); everywhere, a daemon thread also watches the parent's pid and
exits the worker when it changes. Both are installed by :func:`die_with_parent`, the pool
initializer of :func:`local_pool`.

Example:
    >>> with local_pool(1) as pool:
    ...     pool.submit(abs, -3).result()
    3
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

__all__ = ["die_with_parent", "local_pool"]

_PR_SET_PDEATHSIG = 1
#: Seconds between checks of the parent pid by the watcher thread.
WATCH_INTERVAL_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Make this process exit as soon as process ``parent_pid`` (its parent) is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watcher below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="edusim-watch-parent",
                     daemon=True).start()


def _watch(parent_pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_INTERVAL_S):
        if os.getppid() != parent_pid:
            os._exit(1)


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool (spawned, not forked) whose workers die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
