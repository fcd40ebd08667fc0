"""The reference for the stepper benchmarks: a bare Streamlit page that redraws N points on a
button click, as plainly as Streamlit allows (one Scattergl, numeric colours).

Run by ``bench_stepper_browser.py`` and ``bench_stepper_server.py`` with ``?n=10000``; each
click of "Redraw" recolours the same N points so that Plotly has to draw them again.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

n_points = int(st.query_params.get("n", "10000"))
if "clicks" not in st.session_state:
    st.session_state.clicks = 0
if st.button("Redraw"):
    st.session_state.clicks += 1

rng = np.random.default_rng(0)
X = rng.normal(size=(n_points, 2)).astype(np.float32)
colours = np.random.default_rng(st.session_state.clicks).random(n_points).astype(np.float32)
figure = go.Figure(go.Scattergl(x=X[:, 0], y=X[:, 1], mode="markers",
                                marker={"color": colours, "size": 4}))
figure.update_layout(height=560)
st.plotly_chart(figure)
st.write(f"clicks: {st.session_state.clicks}")
