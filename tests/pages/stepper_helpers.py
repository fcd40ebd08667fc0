"""Helpers for the AppTest tests of the EM stepper pages (tests/test_page_em_*.py)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_1D = "pages/2_EM_in_1-D.py"
PAGE_2D = "pages/3_EM_in_2-D.py"
PREFIX = {PAGE_1D: "em1d", PAGE_2D: "em2d"}
STEP_BUTTONS = {"E-step": "step_button.main.e_step", "M-step": "step_button.main.m_step",
                "EM iteration": "step_button.main.iterate",
                "Run to convergence": "step_button.main.converge",
                "Back": "step_button.main.back", "Reset": "step_button.main.reset",
                "Play": "play_button.main.play", "Pause": "play_button.main.pause"}


def open_page(script: str, query: dict[str, str] | None = None) -> AppTest:
    """Run ``script`` once (with a query string) and check that it shows no exception."""
    app = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    assert_clean(app)
    return app


def assert_clean(app: AppTest) -> None:
    assert not app.exception, [element.value for element in app.exception]


def key(app: AppTest, script: str, name: str) -> str:
    return f"{PREFIX[script]}.{name}"


def click(app: AppTest, script: str, label: str) -> AppTest:
    """Click a stepping button by its label; rerun; check there is no exception."""
    button = app.button(key=key(app, script, STEP_BUTTONS[label]))
    assert button.label == label
    assert not button.disabled, f"{label} is disabled"
    button.click().run()
    assert_clean(app)
    return app


def probe_at(app: AppTest, script: str, *coordinates: float) -> AppTest:
    """Switch the probe point on, then type ``coordinates`` into its number inputs (the first
    dimensions, in order); rerun after each; check there is no exception after each step."""
    app.toggle(key=key(app, script, "probe_on")).set_value(True).run()
    assert_clean(app)
    for dimension, value in enumerate(coordinates):
        app.number_input(key=key(app, script, f"probe.{dimension}")).set_value(value).run()
    assert_clean(app)
    return app


def index(app: AppTest, script: str) -> int:
    return int(app.session_state[key(app, script, "position.em")])


def charts(app: AppTest) -> list[dict]:
    """Every Plotly figure on the page as its JSON dict (main figure first)."""
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def decode(value):
    """A Plotly typed array ({"dtype", "bdata", "shape"}) or plain list as a numpy array."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(part) for part in str(value["shape"]).split(",")])
        return array
    return np.asarray(value)


def traces(figure: dict, name: str) -> list[dict]:
    return [trace for trace in figure["data"] if trace.get("name") == name]


def formula_texts(app: AppTest) -> str:
    """The LaTeX of the page's display formulas (ui.kit.accessible.formula writes each as
    display-style maths in a Markdown paragraph), one per line."""
    return "\n".join(element.value for element in app.markdown
                     if element.value.startswith("$\\displaystyle"))


def visible(markdown: str) -> str:
    """Markdown source as a reader sees it: escapes resolved, invisible word joiners removed
    (ui.kit.escape backslash-escapes outside text and puts word joiners into it)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(elements) -> str:
    """The visible text of Markdown elements (warnings, infos, markdown...), one per line;
    LaTeX as written."""
    return "\n".join(str(element.value) if type(element).__name__ == "Latex"
                     else visible(str(element.value)) for element in elements)


def html_bodies(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def likelihood_svg(app: AppTest) -> str:
    """The log-likelihood chart on the page (an SVG sent as an image's data URL)."""
    prefix = "data:image/svg+xml;base64,"
    pictures = [base64.b64decode(image.url[len(prefix):]).decode()
                for element in app.get("image") for image in element.proto.imgs
                if image.url.startswith(prefix)]
    return next(svg for svg in pictures if 'aria-label="log-likelihood after each half-step"' in svg)


def likelihood_values(app: AppTest) -> dict[int, float]:
    """Half-step -> log-likelihood, read from the chart's hover titles (finite values only)."""
    titles = re.findall(r"<title>half-step (\d+): [^,]+, log-likelihood (-?[\d.]+)",
                        likelihood_svg(app))
    return {int(step): float(value) for step, value in titles}


def tables(app: AppTest) -> list[str]:
    """The HTML tables of "The numbers" (parameters first, then the followed points)."""
    return [body for body in html_bodies(app) if body.startswith("<table")]


def show_details(app: AppTest, script: str, *panels: str) -> AppTest:
    """Open the detail panels ("The numbers", "The formulas") below the figure."""
    app.get("button_group")  # the pills widget is a button group in AppTest
    app.pills(key=key(app, script, "panels")).set_value(list(panels)).run()
    assert_clean(app)
    return app


def chart_click(x: float, y: float = 0.0, *, curve: int = 0, index: int = 7) -> dict:
    """The selection a Plotly chart with ``on_select`` reports for a click on point ``index``
    of trace ``curve`` at (x, y): what AppTest, which cannot click a chart, hands to its
    callback instead."""
    return {"points": [{"curve_number": curve, "point_number": index, "point_index": index,
                        "x": x, "y": y}], "point_indices": [index], "box": [], "lasso": []}
