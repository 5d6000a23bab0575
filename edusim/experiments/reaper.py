"""A watchdog that kills a driver's leftover descendants once the driver is gone (Linux).

Ray fate-shares its GCS and raylet with a driver that started them, but not every process it
starts (its dashboard and runtime-env agents outlive a driver killed with SIGKILL). A driver
that starts its own Ray therefore also starts this reaper in a session of its own:
``python -I .../reaper.py DRIVER_PID`` (this file as a script: standard library only, so it
starts in milliseconds). While the driver lives, the reaper notes its descendants every
second; when the driver dies, it sends SIGKILL to each of them still running (checked by start
time, so a reused pid is never hit) and exits. :func:`start_reaper` returns once the reaper
has taken its first look, so a driver killed right after it still has what it started reaped.

Example:
    >>> import os
    >>> os.getpid() in descendants(os.getppid()) or not os.path.exists("/proc")
    True
"""

from __future__ import annotations

import os
import select
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


def start_reaper(driver_pid: int | None = None, ready_s: float = 30.0
                 ) -> subprocess.Popen | None:
    """Start the reaper for ``driver_pid`` (this process by default); ``None`` off Linux.

    Returns once the reaper has noted the driver's descendants (or after ``ready_s``).
    """
    if not _PROC.is_dir():
        return None
    reaper = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).resolve()), str(driver_pid or os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    with reaper.stdout:  # one line after its first look; nothing is written after it
        if select.select([reaper.stdout], [], [], ready_s)[0]:
            reaper.stdout.readline()
    return reaper


def _reap(driver: int) -> None:
    me = os.getpid()
    seen: dict[int, int] = {}
    ready = False
    while _stat(driver) is not None:
        seen.update(descendants(driver))
        seen.pop(me, None)
        seen = {pid: start for pid, start in seen.items() if _stat(pid) is not None}
        if not ready:  # the handshake start_reaper waits for (a pipe, not a console)
            ready = True
            try:
                os.write(sys.stdout.fileno(), b"ready\n")
            except OSError:  # start_reaper stopped waiting and closed the pipe
                pass
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
