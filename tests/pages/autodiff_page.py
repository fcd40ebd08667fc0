"""Helpers for the AppTest tests of the automatic-differentiation page: open it, rerun it, find
its widgets, charts, tables and messages (as the reader sees them)."""

import base64
import json
import re

import numpy as np
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
    return "\n".join(element.value for element in app.latex)


def markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def table(app: AppTest, column: str):
    """The one dataframe on the page that has ``column``."""
    (found,) = [frame.value for frame in app.dataframe if column in frame.value.columns]
    return found


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
