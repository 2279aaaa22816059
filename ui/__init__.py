"""The Streamlit app's helpers: labels, cached reads, status colours, tables and charts."""
