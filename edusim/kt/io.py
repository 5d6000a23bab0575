"""Atomic saving of checkpoints and fitted models (torch's format, loaded with weights only).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.pt"
    >>> atomic_save({"a": [1, 2]}, path)
    >>> load_file(path)
    {'a': [1, 2]}
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from edusim.atomic import make_folder

__all__ = ["atomic_save", "atomic_write_text", "write_json", "json_safe", "load_file",
           "ModelFileError"]


class ModelFileError(ValueError):
    """A model or checkpoint file is missing, unreadable or of another kind; says which."""


def atomic_write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    _atomic(lambda handle: handle.write(text.encode("utf-8")), Path(path))


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float (an undefined metric, ``nan``) made ``None``.

    Example:
        >>> json_safe({"auc": float("nan"), "history": [{"loss": 0.5, "auc": float("inf")}]})
        {'auc': None, 'history': [{'loss': 0.5, 'auc': None}]}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj


def write_json(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` as JSON (atomically): undefined numbers are ``null``, never bare ``NaN``
    (which is not JSON)."""
    atomic_write_text(json.dumps(json_safe(obj), indent=2, allow_nan=False) + "\n", path)


def atomic_save(obj: Any, path: str | os.PathLike) -> None:
    """``torch.save(obj)`` to a temporary file beside ``path``, then rename it over ``path``."""
    _atomic(lambda handle: torch.save(obj, handle), Path(path))


def _atomic(write, path: Path) -> None:
    make_folder(path.parent)
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
