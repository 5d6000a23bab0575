"""The sidebar settings panel: which language backend answers, and who answered last.

The API key lives only in this visitor's ``st.session_state`` (a password field); it is never
shown, logged or written to a file.
"""

from __future__ import annotations

import streamlit as st

from edusim.llm import BackendKind, ChatBackend, LLMError, LLMSettings, make_backend

OFFLINE_LABEL = "Offline (built-in, no network)"
OPENAI_LABEL = "OpenAI-compatible server"
_LAST = "last_backend"


def sidebar() -> None:
    """Draw the settings panel in the sidebar (call once per run, from the entry script)."""
    with st.sidebar:
        st.subheader("Language backend")
        choice = st.radio(
            "Who writes the tutor's and planner's words?",
            [OFFLINE_LABEL, OPENAI_LABEL],
            key="llm_choice",
            help="The offline backend needs no internet and always works. A server can be "
            "OpenAI itself or any compatible one (vLLM, Ollama, LM Studio...).",
        )
        if choice == OPENAI_LABEL:
            st.text_input("Base URL", value="http://127.0.0.1:11434/v1", key="llm_base_url")
            st.text_input("Model", key="llm_model", placeholder="e.g. llama3.1")
            st.text_input(
                "API key",
                type="password",
                key="llm_api_key",
                help="Kept only in this browser session; never saved.",
            )
            st.number_input("Timeout (seconds)", 1, 300, 30, key="llm_timeout")


def last_answer() -> None:
    """Show in the sidebar who answered last (call after the page ran, so it is current)."""
    st.sidebar.caption(f"Last answer came from: **{st.session_state.get(_LAST, 'nobody yet')}**")


def settings() -> LLMSettings:
    """The settings the visitor chose in the sidebar."""
    state = st.session_state
    if state.get("llm_choice", OFFLINE_LABEL) != OPENAI_LABEL:
        return LLMSettings()
    return LLMSettings(
        BackendKind.OPENAI,
        model=(state.get("llm_model") or "").strip() or None,
        base_url=(state.get("llm_base_url") or "").strip(),
        api_key=state.get("llm_api_key") or None,
        timeout_s=float(state.get("llm_timeout", 30)),
        max_retries=0,
    )


def backend() -> ChatBackend | None:
    """The chosen backend, or ``None`` after showing why it cannot be built."""
    try:
        return make_backend(settings())
    except LLMError as exc:
        st.error(f"The language backend is not set up: {exc.detail}. "
                 "Fill in the sidebar, or choose the offline backend.")
        return None


def answered_by(name: str) -> None:
    """Record and show which backend produced the answer just displayed."""
    st.session_state[_LAST] = name
    st.caption(f"Answered by: **{name}**")


def report_failure(exc: LLMError) -> None:
    """Show a language-backend failure in the page; the app carries on."""
    st.error(
        f"The language backend did not answer ({exc.kind.value}): {exc.detail}\n\n"
        "Nothing was lost. Check the server in the sidebar, or switch to the offline backend."
    )
