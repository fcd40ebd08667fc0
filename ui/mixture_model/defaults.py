"""What the page shows on a first visit (pure: the links and the state both use it)."""

from gmm_core import generative

DEFAULT_PRESET = generative.DEFAULT_PRESET
DEFAULT_SPEC = generative.PRESET_SPECS[DEFAULT_PRESET][1]
DEFAULT_K = DEFAULT_SPEC.n_components
DEFAULT_N = 300
DEFAULT_SEED = 0
DEFAULT_SEPARATION = 4.0
DEFAULT_LECTURE_N = 200
DEFAULT_START = (-1.0, -0.5)
