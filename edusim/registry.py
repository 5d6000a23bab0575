"""One registry style for every kind of plug-in: a name mapped to a lazy ``"module:attr"``.

Teachers, learner models, knowledge-tracing models, loaders, tutors and CLI command groups
are each one :class:`Registry`: a table of :class:`Entry` rows written in one place (the
package's ``__init__`` or its ``registry`` module). An entry names where its object lives
(``"edusim.agents.random:RandomTeacher"``, as Gymnasium's ``register(entry_point=...)`` does),
a display name and a one-line description for people (the app, ``--help``), and optional
metadata that the plug-in declares about itself. Nothing is imported until an entry is
loaded, and an unknown name raises :class:`UnknownNameError`, which lists the valid ones.

Example:
    >>> kinds = Registry("shape", {
    ...     "pair": Entry("builtins:tuple", "Pair", "Two things side by side."),
    ... })
    >>> kinds.load("pair")((1, 2))
    (1, 2)
    >>> kinds.names()
    ['pair']
    >>> kinds.entry("pair").display_name
    'Pair'
    >>> kinds.load("triple")
    Traceback (most recent call last):
    ...
    edusim.registry.UnknownNameError: unknown shape 'triple'; choose from: pair
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

__all__ = ["Entry", "Registry", "UnknownNameError", "load_entry_point"]

T = TypeVar("T")


class UnknownNameError(KeyError, ValueError):
    """A name that is not in a registry; the message lists the valid names.

    It is both a ``KeyError`` (a failed look-up) and a ``ValueError`` (a bad argument), so code
    that catches either keeps working.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Entry:
    """One registered plug-in.

    Attributes:
        entry_point: ``"package.module:attribute"`` (dots after the colon reach nested
            attributes), resolved only when loaded.
        display_name: What a person reads (``"Mastery threshold"``).
        description: One plain sentence saying what it is or does.
        metadata: What the plug-in declares about itself (supported spaces, config class name,
            recommended settings...); read-only.
    """

    entry_point: str
    display_name: str
    description: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        module, sep, attr = self.entry_point.partition(":")
        if not module or not sep or not attr:
            raise ValueError(f"entry point must be 'module:attribute', got {self.entry_point!r}")
        if not self.display_name or not self.description:
            raise ValueError(f"entry {self.entry_point!r} needs a display name and a description")
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))


def load_entry_point(entry_point: str) -> Any:
    """Import ``"module:attr"`` and return the attribute.

    Example:
        >>> load_entry_point("os.path:join")("a", "b")
        'a/b'
    """
    module_name, _, attr = entry_point.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


class Registry(Generic[T]):
    """A named table of plug-ins of one kind.

    Args:
        kind: What the entries are, in words used in messages (``"teacher"``).
        entries: The table: name -> :class:`Entry`. Names are lower-case and hyphenated.
    """

    def __init__(self, kind: str, entries: Mapping[str, Entry] | None = None) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}
        self._loaded: dict[str, T] = {}
        for name, entry in (entries or {}).items():
            self.register(name, entry)

    def register(self, name: str, entry: Entry) -> None:
        """Add a plug-in (a user's own, at run time); a taken name raises ``ValueError``."""
        if not name or name != name.lower() or " " in name or "_" in name:
            raise ValueError(f"{self.kind} names are lower-case and hyphenated, got {name!r}")
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._entries[name] = entry

    def unregister(self, name: str) -> None:
        """Remove a plug-in (tests that register their own clean up with this)."""
        self.entry(name)
        del self._entries[name]
        self._loaded.pop(name, None)

    def names(self) -> list[str]:
        """The registered names, in table order."""
        return list(self._entries)

    def entry(self, name: str) -> Entry:
        """The :class:`Entry` of ``name``; an unknown name raises :class:`UnknownNameError`."""
        try:
            return self._entries[name]
        except KeyError:
            valid = ", ".join(self._entries) or "(none registered)"
            raise UnknownNameError(f"unknown {self.kind} {name!r}; choose from: {valid}") from None

    def load(self, name: str) -> T:
        """Import and return the object ``name`` points at (cached after the first load)."""
        if name not in self._loaded:
            self._loaded[name] = load_entry_point(self.entry(name).entry_point)
        return self._loaded[name]

    def display_name(self, name: str) -> str:
        """The name a person reads."""
        return self.entry(name).display_name

    def describe(self) -> dict[str, str]:
        """``{name: "Display name: description"}`` for help texts and menus."""
        return {n: f"{e.display_name}: {e.description}" for n, e in self._entries.items()}

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"
