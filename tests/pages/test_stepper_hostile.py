"""Hostile input on the steppers (issue #17): no crash, no markup from anyone else's text,
messages that name the true cause."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.pages.stepper_helpers import (
    PAGE_1D,
    PAGE_2D,
    assert_clean,
    click,
    open_page,
    probe_at,
    texts,
)

HOSTILE = (
    "[Re-login](https://evil.example/p)",
    "![](https://evil.example/pixel.png)",
    "https://evil.example/bare",
    "<img src=https://evil.example/x.png>",
    "<a href='https://evil.example'>x</a>",
    r"$\href{https://evil.example}{x}$",
    ":red[alarm] :material/warning:",
    "\u202eevil",
    "x" * 10_000,
)
# What rendered Markdown would turn into a link, an image or HTML if it were not escaped.
UNSAFE = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!#)|(?<!\\)<(?:img|a |https?:)|https?://(?!\u2060)"
                    r"|(?<!\\)!\[|(?<!\\)\$|:red\[(?!\u2060)")


def _markdown_sources(app) -> list[str]:
    elements = [*app.markdown, *app.warning, *app.error, *app.info, *app.caption, *app.success]
    return [str(element.value) for element in elements]


def assert_no_foreign_markup(app) -> None:
    for source in _markdown_sources(app):
        for match in UNSAFE.finditer(source):
            # The app's own links (its pages, the glossary) are allowed.
            assert "evil" not in source[max(0, match.start() - 5):match.end() + 40], source[:300]


@pytest.mark.parametrize("page", [PAGE_1D, PAGE_2D])
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_in_every_link_parameter_is_reported_escaped(page, value):
    names = ["k", "cov", "init", "dataset", "means", "reg", "tol", "iter", "step", "seed", "n",
             "cols", "std", "spec", "centres", "![](https://evil.example/p.png)"]
    app = open_page(page, dict.fromkeys(names, value))
    assert_no_foreign_markup(app)
    assert "Some values in this link could not be used" in texts(app.warning)
    assert len(app.warning) <= 2  # the link's problems in one box (and maybe the data's)


def test_a_probe_far_away_says_underflow_not_collapse():
    app = open_page(PAGE_2D)
    click(app, PAGE_2D, "EM iteration")
    probe_at(app, PAGE_2D, 1e160)
    warning = texts(app.warning)
    assert "A component has collapsed" not in warning
    assert "underflow" in warning.lower() and "nothing has collapsed" in warning.lower()


def test_data_whose_variance_is_below_reg_covar_gets_a_warning():
    csv = "x\n" + "\n".join(f"{v:.3e}" for v in
                             np.random.default_rng(0).normal(0, 1e-9, 60)) + "\n"
    app = open_page(PAGE_1D)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("tiny.csv", csv.encode(), "text/csv")).run()
    assert_clean(app)
    assert "at or below λ = reg_covar = 1e-06" in texts(app.warning)


def test_a_csv_with_unicode_minus_signs_keeps_its_rows_and_most_dropped_rows_warn():
    minus = "\u2212"  # the minus sign a PDF gives when its numbers are copied
    rows = [(minus if i % 2 else "") + f"{i / 10:.1f}" for i in range(60)]
    app = open_page(PAGE_1D)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("minus.csv", ("x\n" + "\n".join(rows)).encode(), "text/csv")).run()
    assert_clean(app)
    assert "dropped" not in texts(app.info) + texts(app.warning)
    bad = ["x"] + [str(i) if i < 10 else "n/a" for i in range(60)]
    app.file_uploader(key="em1d.csv_file").set_value(
        ("mostly_bad.csv", "\n".join(bad).encode(), "text/csv")).run()
    assert_clean(app)
    assert "dropped" in texts(app.warning)


def test_a_csv_column_name_is_not_markup():
    name = "![x](https://evil.example/p.png)"
    csv = f"{name}\n" + "\n".join(str(v) for v in np.linspace(-3, 3, 40))
    app = open_page(PAGE_1D)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("evil.csv", csv.encode(), "text/csv")).run()
    assert_clean(app)
    app.toggle(key="em1d.probe_on").set_value(True).run()
    assert_clean(app)
    assert_no_foreign_markup(app)
    label = app.number_input(key="em1d.probe.0").label
    assert "![" not in label.replace("\\!\\[", "")
