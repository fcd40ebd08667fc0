"""A small 2-D data set for the figure tests: three well-separated round blobs."""

import numpy as np

CENTRES = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])


def three_blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X, centres): X is (120, 2), 40 points around each of the (3, 2) CENTRES, unit noise."""
    rng = np.random.default_rng(seed)
    return np.vstack([centre + rng.normal(size=(40, 2)) for centre in CENTRES]), CENTRES.copy()
