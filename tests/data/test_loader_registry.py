"""The loader registry: one entry per format, in edusim.registry's style."""

from __future__ import annotations

import pytest

from edusim.data import LOADERS, formats, make_loader
from edusim.data.loader_base import Loader
from edusim.registry import Registry, UnknownNameError


def test_loaders_are_one_registry_of_loader_classes():
    assert isinstance(LOADERS, Registry)
    assert formats() == sorted(LOADERS.names())
    for name in LOADERS:
        cls = LOADERS.load(name)
        assert issubclass(cls, Loader)
        assert cls.format == name  # the name files are recorded under in a store
        assert LOADERS.entry(name).display_name and LOADERS.entry(name).description


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(UnknownNameError, match="unknown format 'kt9'; choose from: .*dkt"):
        make_loader("kt9")
