"""Helpers for the AppTest tests of the automatic-differentiation page: open it, rerun it, find
its widgets, charts, tables and messages (as the reader sees them)."""

import base64
import json
import re

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_TEST_TIMEOUT_S, REPO_ROOT

PAGE = "pages/6_Automatic_differentiation.py"
WORD_JOINER = "\u2060"


def open_page() -> AppTest:
    """The page after its first run (each test module wraps this in its ``page`` fixture)."""
    app = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=APP_TEST_TIMEOUT_S)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def by_key(elements, key):
    (element,) = [e for e in elements if e.key == key]
    return element


def widget(app: AppTest, key: str):
    """The one widget of any kind with this key."""
    kinds = ("text_input", "text_area", "number_input", "selectbox", "slider", "select_slider",
             "checkbox", "button")
    (found,) = [w for kind in kinds for w in app.get(kind) if w.key == key]
    return found


def chart(app: AppTest, key: str) -> dict:
    (found,) = [c for c in app.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(found.proto.spec)


def numbers(field) -> np.ndarray:
    """A Plotly data array from the figure JSON (numpy arrays travel base64-encoded)."""
    if isinstance(field, dict) and "bdata" in field:
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
    return np.asarray(field, dtype=float)


def latex(app: AppTest) -> str:
    """Every displayed formula: st.latex, and display-style math in Markdown."""
    formulas = [element.value for element in app.latex]
    formulas += [element.value for element in app.markdown
                 if element.value.startswith("$\\displaystyle")]
    return "\n".join(formulas)


def markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def _cells(line: str) -> list[str]:
    """The cells of one Markdown table row, as a reader sees them (``\\|`` is a literal bar)."""
    return [visible(cell.strip()) for cell in re.split(r"(?<!\\)\|", line)[1:-1]]


def _tables(app: AppTest) -> list[pd.DataFrame]:
    """Every table on the page as a DataFrame of the text a reader sees: st.dataframe,
    st.table, and Markdown tables (the page's small tables)."""
    frames = [frame.value for frame in app.dataframe]
    frames += [element.value for element in app.table]
    for element in app.markdown:
        lines = element.value.split("\n")
        if len(lines) >= 2 and lines[0].startswith("| ") and lines[1].startswith("| ---"):
            frames.append(pd.DataFrame([_cells(line) for line in lines[2:]],
                                       columns=_cells(lines[0])))
    return frames


def table(app: AppTest, column: str):
    """The one table (st.dataframe or st.table) on the page that has ``column``."""
    (found,) = [frame for frame in _tables(app) if column in frame.columns]
    return found


def tables_with(app: AppTest, column: str) -> list:
    """Every table that has ``column``."""
    return [frame for frame in _tables(app) if column in frame.columns]


def visible(markdown_text: str) -> str:
    """What a reader sees of escaped Markdown: no backslash escapes, no word joiners."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown_text).replace(WORD_JOINER, "")


def errors(app: AppTest) -> list[str]:
    return [visible(element.value) for element in app.error]


def warnings(app: AppTest) -> list[str]:
    return [visible(element.value) for element in app.warning]


def infos(app: AppTest) -> list[str]:
    return [visible(element.value) for element in app.info]


def captions(app: AppTest) -> list[str]:
    return [visible(element.value) for element in app.caption]
