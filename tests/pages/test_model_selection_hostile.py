"""The page "Model selection" under hostile input (issue #17): links with markup, Unicode digits
or 10,000 characters in every parameter, degenerate and extreme data, and a CSV whose column
names are markup. No exception, one warning box, and no markup the app did not write."""

import json
import re

import numpy as np
import pytest

from tests.pages.hostile_checks import LONG, MARKUP, UNICODE_NUMBERS
from tests.pages.selection_helpers import all_text, charts, link_warnings, open_page
from ui.kit.view_settings import QUERY_PARAMETERS

GRID_PARAMETERS = ("kmax", "types", "starts", "degenerate", "bic")
# A link, an image, HTML, a bare URL, other scripts' digits, a superscript, a long text.
HOSTILE = (*MARKUP[:4], *MARKUP[5:7], UNICODE_NUMBERS[4], UNICODE_NUMBERS[2], LONG[1])
# Markup that would be live in Markdown: not backslash-escaped (ui.kit.escape escapes every
# ASCII punctuation character and puts a word joiner after "https:").
LIVE_MARKUP = (r"(?<!\\)\]\(http", r"(?<!\\)<img", r"(?<!\\)<a ", r"https://")


def assert_no_live_markup(source: str) -> None:
    """Markdown source the app wrote: outside text in it must be escaped."""
    for pattern in LIVE_MARKUP:
        match = re.search(pattern, source)
        assert match is None, (pattern, source[max(match.start() - 80, 0):match.end() + 80])


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_value_in_every_parameter_is_reported_once(value):
    query = {name: value for name in (*QUERY_PARAMETERS, *GRID_PARAMETERS)}
    query["hostile"] = value
    at = open_page(query)
    (warning,) = link_warnings(at)
    assert len(at.warning) == 1 + sum("About this grid" in w.value for w in at.warning)
    for element in (*at.warning, *at.markdown, *at.caption, *at.info, *at.error):
        assert_no_live_markup(str(element.value))
    assert "unknown parameter 'hostile' ignored" in warning or "longer than" in warning
    # the view is the default one, drawn in full, and the page keeps working
    assert len(at.get("plotly_chart")) >= 8
    assert "BIC chooses K =" in all_text(at.markdown)
    at.run()
    assert not at.exception


def _upload(content: bytes, name: str = "data.csv"):
    at = open_page()
    at.sidebar.selectbox(key="msel2d.dataset").set_value("csv").run()
    at.file_uploader(key="msel2d.csv_file").set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("name", "rows"), [
    ("identical points", ["1.5,2.5"] * 12),
    ("one column constant", [f"{i},7" for i in range(30)]),
    ("huge values", [f"{(i % 5) * 1e300},{(i % 3) * 1e300}" for i in range(20)]),
    ("tiny values", [f"{(i % 5) * 1e-300},{(i % 7) * 1e-300}" for i in range(20)]),
    ("mixed magnitudes", [f"{i * 1e150},{i * 1e-150}" for i in range(1, 21)]),
])
def test_degenerate_and_extreme_data_give_messages_not_exceptions(name, rows):
    at = _upload(("x,y\n" + "\n".join(rows) + "\n").encode())
    assert len(at.warning) <= 1
    said = all_text((*at.warning, *at.error, *at.info))
    assert said, "the page must say what is wrong with these data"
    at.run()
    assert not at.exception


def test_column_names_with_markup_stay_text_everywhere():
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) + 6])
    header = '"[evil](https://evil.example/p)","<img src=x onerror=alert(1)>"'
    body = "\n".join(f"{x:.4f},{y:.4f}" for x, y in points)
    at = _upload(f"{header}\n{body}\n".encode(), name="<b>file</b>.csv")
    for element in (*at.markdown, *at.caption, *at.warning, *at.info, *at.error):
        assert_no_live_markup(str(element.value))
    figure = charts(at)["msel.chosen_fit"]
    text = json.dumps(figure["layout"]) + json.dumps([t.get("hovertemplate", "")
                                                      for t in figure["data"]])
    assert "<img" not in text and "<a " not in text
    assert "&lt;img" in text  # the name is shown, as text

