"""Configs built from keyword arguments by field name: the dataclass is the one place of defaults.

A plug-in (teacher, learner model...) keeps its settings in a frozen dataclass and builds it
from the keyword arguments it was given with :func:`config_from_kwargs`, never positionally, so
reordering fields cannot swap values and an unknown name is an error that lists the valid ones.

Example:
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Knobs:
    ...     rate: float = 0.5
    ...     size: int = 3
    >>> config_from_kwargs(Knobs, {"size": 4}, "teacher 'demo'")
    Knobs(rate=0.5, size=4)
    >>> config_from_kwargs(Knobs, {"sise": 4}, "teacher 'demo'")
    Traceback (most recent call last):
    ...
    edusim.config.ConfigError: teacher 'demo' has no setting 'sise'; its settings are: rate, size
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

__all__ = [
    "ConfigError", "NoConfig", "check_at_least", "check_unit_interval", "config_fields",
    "config_from_kwargs", "refuse_nan",
]

C = TypeVar("C")


class ConfigError(ValueError):
    """A setting that does not exist, or is missing, for the plug-in it was given to."""


@dataclasses.dataclass(frozen=True)
class NoConfig:
    """The config of a plug-in without settings."""


def config_fields(config_class: type) -> list[str]:
    """The setting names of a config dataclass, in declaration order.

    Example:
        >>> config_fields(NoConfig)
        []
    """
    return [f.name for f in dataclasses.fields(config_class) if f.init]


def config_from_kwargs(config_class: type[C], kwargs: Mapping[str, Any], owner: str) -> C:
    """``config_class(**kwargs)``, with names checked first.

    Args:
        config_class: A dataclass whose fields (with their defaults) are the settings.
        kwargs: The settings given, by field name.
        owner: What the settings belong to, for messages (``"teacher 'alp-gmm'"``).

    Raises:
        ConfigError: For an unknown name or a missing required setting; the message names
            the valid settings. Value checks of the dataclass (``__post_init__``) raise their
            own ``ValueError``.
    """
    valid = config_fields(config_class)
    unknown = [k for k in kwargs if k not in valid]
    if unknown:
        listing = ", ".join(valid) or "(none)"
        raise ConfigError(
            f"{owner} has no setting {unknown[0]!r}; its settings are: {listing}"
        )
    required = [
        f.name for f in dataclasses.fields(config_class)
        if f.init and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING and f.name not in kwargs
    ]
    if required:
        raise ConfigError(f"{owner} needs the setting {required[0]!r}")
    _check_plain_types(config_class, kwargs, owner)
    return refuse_nan(config_class(**kwargs), owner)


#: What a setting annotated with a plain type accepts (an int where a float goes, a path
#: where text goes, never a bool where a number goes).
_ACCEPTS: dict[Any, tuple[type, ...]] = {
    int: (numbers.Integral,), float: (numbers.Real,), str: (str, os.PathLike), bool: (bool,),
}


def _check_plain_types(config_class: type, kwargs: Mapping[str, Any], owner: str) -> None:
    """Refuse a value whose type cannot be its setting's plain annotation (``int``,
    ``float``, ``str``, ``bool``, or one of them ``| None``); other annotations are left to
    the dataclass."""
    try:
        hints = typing.get_type_hints(config_class)
    except Exception:  # annotations that do not resolve here: nothing to check against
        return
    for name, value in kwargs.items():
        allowed = _plain(hints.get(name))
        if allowed is None or (value is None and type(None) in allowed):
            continue
        kinds = tuple(k for t in allowed for k in _ACCEPTS.get(t, ()))
        wrong = not isinstance(value, kinds) or (
            isinstance(value, bool) and bool not in allowed)
        if wrong:
            names = " or ".join(t.__name__ for t in allowed if t is not type(None))
            raise ConfigError(f"{owner}: setting {name!r} must be {names}, got "
                              f"{type(value).__name__} {value!r:.60}")


def _plain(hint: Any) -> tuple[type, ...] | None:
    """The plain types of ``hint`` (``None`` for any other annotation)."""
    members = typing.get_args(hint) if isinstance(hint, types.UnionType) or \
        typing.get_origin(hint) is typing.Union else (hint,)
    if members and all(m in _ACCEPTS or m is type(None) for m in members):
        return tuple(members)
    return None


def refuse_nan(config: C, owner: str) -> C:
    """``config``, after checking that no setting is NaN (in nested configs, mappings and
    sequences too): NaN is never a valid setting, and it would turn every number it touches
    into NaN without an error.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Knobs:
        ...     rate: float = 0.5
        >>> refuse_nan(Knobs(float("nan")), "env 'demo'")
        Traceback (most recent call last):
        ...
        edusim.config.ConfigError: env 'demo': setting rate is NaN; give a number
    """
    for f in dataclasses.fields(config):  # type: ignore[arg-type]
        where = _nan_at(getattr(config, f.name), f.name)
        if where is not None:
            raise ConfigError(f"{owner}: setting {where} is NaN; give a number")
    return config


def _nan_at(value: Any, where: str, depth: int = 0) -> str | None:
    """Where in ``value`` (named ``where``) a NaN is, as ``name[key].field``, or ``None``."""
    if isinstance(value, float):
        return where if value != value else None
    if depth > 4:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [(f"{where}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, Mapping):
        parts = [(f"{where}[{k!r}]", v) for k, v in value.items()]
    elif isinstance(value, list | tuple):
        parts = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
    else:
        return None
    return next((found for name, v in parts
                 if (found := _nan_at(v, name, depth + 1)) is not None), None)


def check_at_least(config: object, names: Iterable[str], low: float, label: str = "") -> None:
    """Raise for the first of ``config``'s fields ``names`` that is below ``low``.

    For a config's ``__post_init__``: the message names the field, the bound and the value.

    Args:
        config: The config (any object with the named attributes).
        names: Field names to check, in order.
        low: The smallest valid value.
        label: Words before the field name in the message (``"student setting "``).

    Raises:
        ValueError: ``"<label><name> must be >= <low>, got <value>"``.

    Example:
        >>> from types import SimpleNamespace
        >>> check_at_least(SimpleNamespace(steps=3, batch=0), ("steps", "batch"), 1)
        Traceback (most recent call last):
        ...
        ValueError: batch must be >= 1, got 0
    """
    for name in names:
        value = getattr(config, name)
        if value < low:
            raise ValueError(f"{label}{name} must be >= {low}, got {value}")


def check_unit_interval(config: object, names: Iterable[str], label: str = "") -> None:
    """Raise for the first of ``config``'s fields ``names`` outside ``[0, 1]`` (or NaN).

    Raises:
        ValueError: ``"<label><name> must be in [0, 1], got <value>"``.

    Example:
        >>> from types import SimpleNamespace
        >>> check_unit_interval(SimpleNamespace(rate=float("nan")), ("rate",))
        Traceback (most recent call last):
        ...
        ValueError: rate must be in [0, 1], got nan
    """
    for name in names:
        value = getattr(config, name)
        if not 0.0 <= value <= 1.0:  # also true for NaN
            raise ValueError(f"{label}{name} must be in [0, 1], got {value}")
