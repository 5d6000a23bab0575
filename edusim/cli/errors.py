"""How a command turns a library error into a message: one line on stderr, exit status 1.

The library raises precise exceptions and never prints or exits; each command names the
exceptions it expects and wraps its library calls in :func:`exit_on`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer

__all__ = ["exit_on"]


@contextlib.contextmanager
def exit_on(*errors: type[BaseException]) -> Iterator[None]:
    """Inside the block, any of ``errors`` becomes ``error: <message>`` on stderr and exit 1.

    The traceback is dropped (``from None``): the message alone names what and where.

    Example:
        >>> try:
        ...     with exit_on(ValueError):
        ...         raise ValueError("no such skill 'frac'")
        ... except typer.Exit as stop:
        ...     stop.exit_code
        1
    """
    try:
        yield
    except errors as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
