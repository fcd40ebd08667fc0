"""The page "k-means vs EM" (pages/4_k-means_vs_EM.py).

state (the declared session state and the page's choices), links (query string <-> view, pure),
sidebar (data, start, EM's model; the link that fills them), runs (both runs in the kit's run
store), view (the stepping bars and the fragment), panels (what is drawn at one pair of
half-steps), notes and describe (sentences and text alternatives computed from the state, pure),
texts (introduction, why hard EM with a fixed σ is k-means, notation).
"""
