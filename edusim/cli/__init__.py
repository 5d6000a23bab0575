"""The ``edusim`` command line.

Each area adds its commands from its own module: ``edusim/cli/<area>.py`` exposes
``register(app)``, and its name is listed in :data:`COMMAND_MODULES`. Library errors arrive
here as exceptions and leave as one-line messages with exit status 1.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main", "COMMAND_MODULES"]

#: Modules under ``edusim.cli`` whose ``register(app)`` adds commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "core",
    "streamlit_app",
    "data",
    "run",
    "planning",
    "tutoring",
    "teachers",
    "kt",
)

app = typer.Typer(
    name="edusim",
    help="edusim: learners, curricula and teachers in Gymnasium environments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in COMMAND_MODULES:
    importlib.import_module(f"edusim.cli.{_module}").register(app)


def main() -> None:
    """Entry point of the ``edusim`` console script."""
    app()
