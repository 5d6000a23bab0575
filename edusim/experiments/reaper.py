"""A watchdog that kills a driver's leftover descendants once the driver is gone (Linux).

Ray fate-shares its GCS and raylet with a driver that started them, but not every process it
starts (its dashboard and runtime-env agents outlive a driver killed with SIGKILL). A driver
that starts its own Ray therefore also starts this reaper in a session of its own:
``python -m edusim.experiments.reaper DRIVER_PID``. While the driver lives, the reaper notes
its descendants every second; when the driver dies, it sends SIGKILL to each of them still
running (checked by start time, so a reused pid is never hit) and exits.

Example:
    >>> import os
    >>> os.getpid() in descendants(os.getppid()) or not os.path.exists("/proc")
    True
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["descendants", "start_reaper"]

_PROC = Path("/proc")
#: Seconds between looks at the driver's process tree.
INTERVAL_S = 1.0


def _stat(pid: int) -> tuple[int, int] | None:
    """``(parent pid, start time)`` of a running process, or ``None``."""
    try:
        fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[1]), int(fields[19])) if fields[0] != "Z" else None


def descendants(pid: int) -> dict[int, int]:
    """Every descendant of ``pid``, mapped to its start time (from ``/proc``)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child, start in children.get(todo.pop(), []):
            found[child] = start
            todo.append(child)
    return found


def start_reaper(driver_pid: int | None = None) -> subprocess.Popen | None:
    """Start the reaper for ``driver_pid`` (this process by default); ``None`` off Linux."""
    if not _PROC.is_dir():
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "edusim.experiments.reaper", str(driver_pid or os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _reap(driver: int) -> None:
    me = os.getpid()
    seen: dict[int, int] = {}
    while _stat(driver) is not None:
        seen.update(descendants(driver))
        seen.pop(me, None)
        seen = {pid: start for pid, start in seen.items() if _stat(pid) is not None}
        time.sleep(INTERVAL_S)
    for pid, start in seen.items():
        stat = _stat(pid)
        if stat is not None and stat[1] == start:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


if __name__ == "__main__":  # pragma: no cover - run as a separate process
    _reap(int(sys.argv[1]))
