"""Atomic saving of checkpoints and fitted models (torch's format, loaded with weights only).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.pt"
    >>> atomic_save({"a": [1, 2]}, path)
    >>> load_file(path)
    {'a': [1, 2]}
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch

__all__ = ["atomic_save", "atomic_write_text", "load_file", "ModelFileError"]


class ModelFileError(ValueError):
    """A model or checkpoint file is missing, unreadable or of another kind; says which."""


def atomic_write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    _atomic(lambda handle: handle.write(text.encode("utf-8")), Path(path))


def atomic_save(obj: Any, path: str | os.PathLike) -> None:
    """``torch.save(obj)`` to a temporary file beside ``path``, then rename it over ``path``."""
    _atomic(lambda handle: torch.save(obj, handle), Path(path))


def _atomic(write, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_file(path: str | os.PathLike) -> Any:
    """Load a file written by :func:`atomic_save` (tensors, lists, dicts, numbers, strings).

    Raises:
        ModelFileError: When the file is missing or not such a file.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such file")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several unrelated types for bad files
        raise ModelFileError(f"{path}: not a readable edusim model file ({exc})") from None
