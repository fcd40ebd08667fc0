"""Hostile values in every URL parameter of the page "The mixture model" (issue #17): no
exception, one warning box that names each problem, and none of the outside text rendered as
markup."""

import re

import pytest

from tests.pages.stepper_helpers import visible
from tests.ui.escape_corpus import CORPUS, LONG_TEXT
from ui.kit.escape import WORD_JOINER
from ui.mixture_model.links import PAGE_PARAMETERS

PAGE = "pages/1_The_mixture_model.py"
HOSTILE = (
    "[Re-login](https://evil.example/p)",
    "![](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "see https://evil.example/path?q=1&r=2 now",
    "\\href{https://evil.example}{click}",
    ":red[alert] :blue-background[x] :green-badge[ok] :small[tiny] :color[x]{foreground=red}",
    "right-to-left \u202eevil\u202c text \u2067isolate\u2069 \u200fmark",
    LONG_TEXT,
)
assert set(HOSTILE) <= set(CORPUS)
# Markup that would render: a link or an image, an HTML tag, a bare URL, math, a directive.
MARKUP = re.compile(r"(?<!\\)\]\(|(?<!\\)<[a-z/!]|https?://|(?<!\\)\$|(?<!\\):red\[", re.I)


def open_with(run_app, query: dict[str, str]):
    at = run_app(PAGE, query_params=query)
    assert not at.exception, [element.value for element in at.exception]
    return at


def the_warning(at) -> str:
    (warning,) = [w.value for w in at.warning if "link" in w.value]
    return warning


@pytest.mark.parametrize("parameter", [*PAGE_PARAMETERS, "unknown"])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: value[:12])
def test_a_hostile_value_in_any_parameter_is_reported_once_as_text(run_app, parameter, value):
    name = value if parameter == "unknown" else parameter
    at = open_with(run_app, {name: value})
    warning = the_warning(at)
    assert visible(warning).startswith("Some values in this link could not be used:")
    assert MARKUP.search(warning) is None, warning
    assert "\u202e" not in warning
    shown = visible(warning)
    if parameter == "unknown":
        assert "unknown parameter" in shown
    elif parameter != "spec":
        assert f"{parameter}=" in shown and ("using" in shown or "ignored" in shown)
    assert len(shown) < 600
    # The student clicks on: the page keeps working, the defaults are on screen.
    at.button[0].click().run()
    assert not at.exception


def test_several_bad_values_share_one_box_and_it_goes_when_the_view_changes(run_app):
    at = open_with(run_app, {"spec": "[a](https://evil.example)", "n": "<b>9</b>",
                             "seed": "![](x)", "zz": "1"})
    (warning,) = at.warning
    shown = visible(warning.value)
    assert shown.count("\n- ") == 4
    assert "spec:" in shown and "n='<b>9</b>'" in shown.replace(WORD_JOINER, "")
    at.slider(key="model.k").set_value(2).run()
    assert not at.warning
