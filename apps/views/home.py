"""Start page: what each page is for, in an educator's words."""

from __future__ import annotations

import streamlit as st

st.title("edusim for educators")
st.markdown(
    """
Practise teaching with simulated students, plan lessons, and see how a sequence of practice
plays out for a whole class, without writing code. Pick a page on the left:

- **Tutor**: tutor a simulated student through a maths problem in a chat, or watch the
  built-in tutor do it. Each tutor turn is labelled with its teaching move.
- **Lesson planner**: choose the skills of a lesson and describe your class; get a lesson
  plan, its scores on five criteria, and the learning gain it gives a simulated class.
- **Curriculum lab**: compare teaching strategies ("teachers") on a simulated class: who
  learns what, and how fast.
- **Data explorer**: look at a class's answer log (a sample or your own CSV): which skills are
  hard, how learners improve, and the learner model the data implies.

Everything runs on this computer. The built-in (offline) language backend works without
internet; to use a language model, fill in the **Language backend** panel in the sidebar.
"""
)
