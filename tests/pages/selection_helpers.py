"""Helpers of the AppTest checks of the page "Model selection"."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT
from tests.pages.stepper_helpers import visible
from ui.kit.accessible import DESCRIBE

PAGE = "pages/5_Model_selection.py"
# A grid with several starts per model takes tens of seconds the first time on a busy 2-core
# machine (later runs share its result).
TIMEOUT_S = 600


def open_page(query: Mapping[str, str] | None = None) -> AppTest:
    """The page opened by a link (``query``), run once, without an exception."""
    at = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=TIMEOUT_S)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [element.value for element in at.exception]
    return at


def charts(at) -> dict[str, dict]:
    """Figures by the key of their chart element."""
    return {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def decode(value) -> np.ndarray:
    """A figure JSON array: a plain list or Plotly's binary {"bdata", "dtype", "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def chart_keys(at) -> list[str]:
    return [chart.key for chart in at.get("plotly_chart")]


def param(at, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


def metric_values(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def best_marker(chart: dict) -> tuple[int, str]:
    """(K, covariance) of the red star of a criterion chart, read from its hover text."""
    (star,) = [trace for trace in chart["data"] if trace.get("name", "").startswith("best ")]
    match = re.search(r"K = (\d+), (\w+)", star["hovertemplate"])
    return int(match.group(1)), match.group(2)


def star_value(chart: dict) -> float:
    (star,) = [trace for trace in chart["data"] if trace.get("name", "").startswith("best ")]
    return float(star["y"][0])


def all_text(elements) -> str:
    """The visible text of Markdown elements, one per line."""
    return "\n".join(visible(str(element.value)) for element in elements)


def descriptions(at) -> list[str]:
    """The figures' text alternatives ("Describe this figure"), in page order."""
    return [visible(md.value) for expander in at.expander if expander.label == DESCRIBE
            for md in expander.markdown]


def link_warnings(at) -> list[str]:
    """The warning boxes about the link's values (not the notes on the grid)."""
    return [visible(w.value) for w in at.warning if "this link" in visible(w.value)]
