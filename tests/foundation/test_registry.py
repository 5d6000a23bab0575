"""The one registry style: lazy entry points, display names, unknown names listed."""

from __future__ import annotations

import sys

import pytest

from edusim.registry import Entry, Registry, UnknownNameError


def _registry() -> Registry:
    return Registry("widget", {"join": Entry("os.path:join", "Join", "Joins path parts.")})


def test_unknown_name_lists_valid_names_and_is_key_and_value_error():
    reg = _registry()
    with pytest.raises(UnknownNameError, match=r"unknown widget 'nope'; choose from: join"):
        reg.load("nope")
    assert issubclass(UnknownNameError, KeyError) and issubclass(UnknownNameError, ValueError)


def test_loading_is_lazy(tmp_path, monkeypatch):
    (tmp_path / "lazy_plugin_mod.py").write_text("VALUE = 41 + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry("thing", {"v": Entry("lazy_plugin_mod:VALUE", "V", "A value.")})
    assert "lazy_plugin_mod" not in sys.modules
    assert reg.load("v") == 42
    assert "lazy_plugin_mod" in sys.modules


def test_register_rejects_taken_and_badly_formed_names():
    reg = _registry()
    with pytest.raises(ValueError, match="already registered"):
        reg.register("join", Entry("os.path:join", "Join", "Again."))
    for bad in ("Join", "two words", "snake_case", ""):
        with pytest.raises(ValueError, match="lower-case"):
            reg.register(bad, Entry("os.path:join", "J", "J."))


def test_entry_needs_module_attr_and_words():
    with pytest.raises(ValueError, match="module:attribute"):
        Entry("os.path.join", "Join", "Joins.")
    with pytest.raises(ValueError, match="display name"):
        Entry("os.path:join", "", "Joins.")


def test_unregister_and_describe():
    reg = _registry()
    reg.register("split", Entry("os.path:split", "Split", "Splits a path.", {"arity": 1}))
    assert reg.describe()["split"] == "Split: Splits a path."
    assert reg.entry("split").metadata["arity"] == 1
    with pytest.raises(TypeError):
        reg.entry("split").metadata["arity"] = 2  # read-only
    reg.unregister("split")
    assert reg.names() == ["join"] and "split" not in reg
