"""The mathematics behind the app: Gaussian mixtures, EM, k-means, model selection, autodiff.

Nothing in this package imports Streamlit: every function here can be tested on its own and
compared with scikit-learn. Data ``X`` is always a 2-D float array of shape (N, D), also when
D = 1. Parameter shapes follow ``sklearn.mixture.GaussianMixture``.
"""
