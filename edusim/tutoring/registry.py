"""The tutors, by name: one :class:`~edusim.registry.Registry` (``name -> "module:attr"``).

An entry's metadata says what its tutor needs: ``seeded`` (its constructor takes ``seed``) and
``backend`` (it takes a chat backend and cannot work without one). A new tutor is one class plus
one line here.

Example:
    >>> tutor_names()[:3]
    ['offline', 'random', 'llm']
    >>> TUTORS.display_name("human-text")
    "Human teacher's words"
    >>> make_tutor("socrates")
    Traceback (most recent call last):
    ...
    edusim.registry.UnknownNameError: unknown tutor 'socrates'; choose from: offline, random, llm, replay, human-text, generic, focus-only, tell-only
"""  # noqa: E501

from __future__ import annotations

from edusim.llm import ChatBackend
from edusim.registry import Entry, Registry
from edusim.tutoring.tutors import Tutor

__all__ = ["TUTORS", "make_tutor", "tutor_names"]

_SEEDED = {"seeded": True}

TUTORS: Registry[type[Tutor]] = Registry("tutor", {
    "offline": Entry(
        "edusim.tutoring.tutors:RuleBasedTutor", "Built-in rule-based tutor",
        "Probes, then points at the step that matters, and tells only as a last resort.",
        _SEEDED),
    "random": Entry(
        "edusim.tutoring.tutors:RandomMoveTutor", "Random moves",
        "Picks each move at random, worded like the built-in tutor (a baseline).", _SEEDED),
    "llm": Entry(
        "edusim.tutoring.tutors:BackendTutor", "Language-model tutor",
        "Each turn comes from the chosen chat backend (offline rules by default).",
        {"backend": True}),
    "replay": Entry(
        "edusim.tutoring.replay:ReplayTutor", "Human teacher's moves",
        "Makes the MathDial teacher's moves in order, in the built-in tutor's words."),
    "human-text": Entry(
        "edusim.tutoring.replay:HumanTextTutor", "Human teacher's words",
        "Says the MathDial teacher's turns word for word, then only encourages.", _SEEDED),
    "generic": Entry(
        "edusim.tutoring.baselines:GenericTutor", "Encouragement only",
        "Only encourages: no hint, no number, no step (a lower bound).", _SEEDED),
    "focus-only": Entry(
        "edusim.tutoring.baselines:FocusOnlyTutor", "Focus only",
        "Only points at the step that matters; never tells.", _SEEDED),
    "tell-only": Entry(
        "edusim.tutoring.baselines:TellOnlyTutor", "Telling only",
        "Gives every step away, one after the other.", _SEEDED),
})


def tutor_names() -> list[str]:
    """Names accepted by :func:`make_tutor`."""
    return TUTORS.names()


def make_tutor(name: str, seed: int | None = None, backend: ChatBackend | None = None) -> Tutor:
    """Build the tutor ``name`` (see :data:`TUTORS`).

    Raises:
        UnknownNameError: On an unknown name (a ``ValueError`` listing the valid ones).
        ValueError: For a tutor that needs a chat backend when none is given.
    """
    entry, cls = TUTORS.entry(name), TUTORS.load(name)
    if entry.metadata.get("backend"):
        if backend is None:
            raise ValueError(f"the {name!r} tutor needs a chat backend "
                             "(see edusim.llm.make_backend)")
        return cls(backend)
    return cls(seed) if entry.metadata.get("seeded") else cls()
