"""The mixture model: the generative story, learning with and without labels, why EM climbs,
and the Gaussian behind the ellipses.

The sections live in ui/mixture_model/ (texts in sections.py, widget blocks beside it, figures
in figures.py) and the mathematics in gmm_core/generative.py and gmm_core/means_only.py.
"""

import streamlit as st

from ui.figures import figure_style
from ui.kit import notation
from ui.kit.display import presentation_toggle, start_page
from ui.mixture_model import bound, controls, gaussian, sections
from ui.mixture_model.state import DEFAULT_LECTURE_N
from ui.pages import MIXTURE_MODEL

start_page(MIXTURE_MODEL)
# Before any widget: a new link's spec, n and seed go into the widgets' state.
controls.load_link()
with st.sidebar:
    presentation = presentation_toggle()

sections.introduction()
notation.glossary()
link_banner = st.container()  # filled once the mixture on screen is known
sections.the_model()
spec, sample, n_samples, seed = sections.generative_story(presentation)
with link_banner:
    controls.link_problems(spec, n_samples, seed)
style = figure_style(n_samples, presentation)
sections.the_posterior(spec, sample, style)
sections.labels_known(spec, sample, style)
lecture_style = figure_style(DEFAULT_LECTURE_N, presentation)
means_only = sections.labels_unknown(lecture_style)
bound.why_em_climbs(means_only, lecture_style)
gaussian.the_gaussian(figure_style(gaussian.SAMPLE_SIZE, presentation))
sections.why_em_exists()
