"""The home page's pieces: small static previews of every page, drawn from the pages' own figure
builders (``previews``) by a small SVG renderer of Plotly figure dicts (``thumbnail``). Pure: no
Streamlit (app.py caches the previews once per server)."""
