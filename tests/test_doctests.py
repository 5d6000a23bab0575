"""Doctests of the packages that live outside ``edusim/`` on disk (``envs/`` -> ``edusim.envs``,
``agents/`` -> ``edusim.agents``). pytest's ``--doctest-modules`` would import them under their
folder names and register everything twice, so they are collected here by package name."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import edusim.agents
import edusim.envs


def _modules() -> list[str]:
    names = []
    for package in (edusim.envs, edusim.agents):
        names.append(package.__name__)
        for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _modules())
def test_doctests(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
