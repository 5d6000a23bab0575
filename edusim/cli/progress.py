"""The one progress bar style of the ``edusim`` command (rich, removed when done)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

__all__ = ["progress_bar"]


def progress_bar(console: Console) -> Progress:
    """A transient bar with description, bar, ``done/total`` and elapsed time.

    Example:
        >>> with progress_bar(Console(quiet=True)) as bar:
        ...     task = bar.add_task("work", total=2)
        ...     bar.advance(task, 2)
    """
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
