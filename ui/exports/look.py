"""How exported figures look: white, with the title above the legend (shared by the HTML run
and the SVG/PNG pictures)."""

from __future__ import annotations

GRID_COLOUR = "#E3E3E3"
TOP_MARGIN = 80


def place_title(layout: dict, *, top_margin: int = TOP_MARGIN) -> None:
    """Put the title at the top left, above the legend (which sits just over the plot)."""
    layout["title"] = dict(layout.get("title", {}), x=0.0, xanchor="left", xref="paper",
                           y=0.995, yanchor="top", yref="container")
    layout["margin"] = dict(layout.get("margin", {}), t=top_margin)


def white_background(layout: dict) -> None:
    """White paper and plot, a light grid and axis lines: right on a projector and in print."""
    layout.update(paper_bgcolor="white", plot_bgcolor="white")
    for name, settings in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")) and isinstance(settings, dict):
            # automargin: room for the tick labels (ℓ's are long) however narrow the margins.
            layout[name] = {"gridcolor": GRID_COLOUR, "zerolinecolor": "#BBBBBB",
                            "linecolor": "#888888", "showline": True, "automargin": True,
                            **settings}
