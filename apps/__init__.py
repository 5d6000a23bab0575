"""The Streamlit app for educators (installed as ``edusim.apps``; run it with ``edusim app``).

The pages are scripts, not modules: Streamlit runs them; nothing here is imported by edusim.
"""
