"""Small drawing and input helpers shared by the pages (no computation lives here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from matplotlib.figure import Figure

T = TypeVar("T")

#: Largest upload the pages accept (Streamlit's own limit is set by ``edusim app``).
MAX_UPLOAD_MB = 20


def figure(fig: Figure) -> None:
    """Draw a matplotlib figure made by the library."""
    st.pyplot(fig, width="stretch")


def upload(
    label: str, key: str, help_text: str, types: tuple[str, ...] = ("csv",)
) -> tuple[str, bytes] | None:
    """A file uploader; returns ``(name, bytes)`` or ``None`` (with a message if too big)."""
    uploaded = st.file_uploader(label, type=list(types), key=key, help=help_text)
    if uploaded is None:
        return None
    if uploaded.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(
            f"{uploaded.name} is {uploaded.size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "Upload a smaller extract (for example a few hundred learners)."
        )
        return None
    return uploaded.name, uploaded.getvalue()


def guarded(action: Callable[[], T], what: str, errors: tuple[type[Exception], ...]) -> T | None:
    """Run ``action``; on one of ``errors`` show what went wrong in the page and return None."""
    try:
        return action()
    except errors as exc:
        st.error(f"Could not {what}: {exc}")
        return None
