"""Pages of the app, one script each (run by Streamlit via ``st.navigation``)."""
