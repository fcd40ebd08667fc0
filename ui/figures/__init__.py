"""All figure builders in one import (pure Plotly, no Streamlit).

``from ui.figures import mixture_figure_2d, mixture_figure_1d, log_likelihood_figure, ...``
The pieces live in ``common`` (palette, colours, sizes, layouts), ``charts`` (the
log-likelihood chart, membership bars), ``two_d`` (points, ellipses, means, contours), ``one_d``
(histogram, densities, rug), ``kmeans``, ``svg`` and ``click_grid``; ``describe`` puts figures
into words.
"""

from ui.figures.charts import decrease_indices, log_likelihood_figure, membership_bar_figure
from ui.figures.common import (
    PALETTE_HEX,
    PALETTE_RGB,
    UNASSIGNED_HEX,
    FigureStyle,
    axis,
    base_layout,
    blend_colours,
    component_hex,
    component_label,
    encode_colours,
    figure_style,
    make_figure,
    point_marker,
    stack_figures,
)
from ui.figures.kmeans import relax_aspect
from ui.figures.one_d import (
    component_densities,
    histogram_density,
    mixture_figure_1d,
)
from ui.figures.two_d import (
    data_ranges,
    density_contour_trace,
    ellipse_outline,
    ellipse_traces,
    means_traces,
    mixture_figure_2d,
    points_trace,
    probe_trace,
)

__all__ = [
    "PALETTE_HEX",
    "PALETTE_RGB",
    "UNASSIGNED_HEX",
    "FigureStyle",
    "axis",
    "base_layout",
    "blend_colours",
    "component_densities",
    "component_hex",
    "component_label",
    "data_ranges",
    "decrease_indices",
    "density_contour_trace",
    "ellipse_outline",
    "ellipse_traces",
    "encode_colours",
    "figure_style",
    "histogram_density",
    "log_likelihood_figure",
    "make_figure",
    "means_traces",
    "membership_bar_figure",
    "mixture_figure_1d",
    "mixture_figure_2d",
    "point_marker",
    "points_trace",
    "probe_trace",
    "relax_aspect",
    "stack_figures",
]
