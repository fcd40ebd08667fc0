"""The mixture-model page says true things in every state it can reach (issue #12): the surface
for the data on screen, where EM stopped, the bound of "Why EM climbs" after each half-step, the
Gaussian's numbers, and one notation everywhere."""

import json
import re

import numpy as np
import pytest

from gmm_core.bound import means_only_slice
from gmm_core.gaussian import mass_within
from gmm_core.means_only import (
    means_only_data,
    means_only_path,
    surface_grid,
    surface_resolution,
    surface_shape,
)
from tests.pages.stepper_helpers import charts, decode, texts
from ui.kit.stepping import BUTTON_NAMES
from ui.mixture_model import bound, gaussian
from ui.mixture_model.state import STATE

PAGE = "pages/1_The_mixture_model.py"


@pytest.fixture
def page(run_app):
    at = run_app(PAGE)
    assert not at.exception
    return at


def display_formulas(at) -> str:
    """The display formulas (st.markdown with display-style maths; see accessible.formula)."""
    return " ".join(m.value for m in at.markdown if m.value.startswith("$\\displaystyle"))


def step(at, label: str, bar: str = "surface"):
    button = at.button(key=STATE.step_button.key(f"{bar}.{BUTTON_NAMES[label]}"))
    assert button.label == label and not button.disabled
    button.click().run()
    assert not at.exception, [element.value for element in at.exception]
    return at


def lecture_data(at, separation: float, n: int, seed: int, start=None):
    """Set the means-only example's data (and EM's start)."""
    at.slider(key=STATE.key("separation")).set_value(separation).run()
    at.number_input(key=STATE.key("lecture_n")).set_value(n).run()
    at.number_input(key=STATE.key("lecture_seed")).set_value(seed).run()
    if start is not None:
        at.number_input(key=STATE.key("start_mu1")).set_value(start[0]).run()
        at.number_input(key=STATE.key("start_mu2")).set_value(start[1]).run()
    assert not at.exception
    return at


def summary(at) -> str:
    (text,) = [m.value for m in at.markdown if m.value.startswith("**The surface for the")]
    return text


def surface_chart(at) -> dict:
    (chart,) = [c for c in charts(at) if any(t.get("name") == "EM's path" for t in c["data"])]
    return chart


def named(chart: dict, name: str) -> list[dict]:
    return [trace for trace in chart["data"] if trace.get("name") == name]


def bound_chart(at) -> dict:
    (chart,) = [c for c in charts(at) if str(c["data"][0].get("name", "")).startswith("ℓ along")]
    return chart


def climb_text(at) -> str:
    (text,) = [m.value for m in at.markdown if m.value.startswith("At half-step")]
    return text


# --- the surface for the data on screen -----------------------------------------------------


def test_separated_data_show_one_fit_its_mirror_image_and_a_saddle(page):
    text = summary(page)
    assert "2 maxima (stars) and 1 saddle (cross)" in text
    assert "one fit and its mirror image" in text and "label switching" in text
    assert "is a **saddle**" in text and "larger than σ² = 1" in text
    chart = surface_chart(page)
    assert len(decode(named(chart, "maxima")[0]["x"])) == 2
    assert len(decode(named(chart, "saddles")[0]["x"])) == 1
    step(page, "Run to convergence")
    (note,) = [s.value for s in page.success]
    assert "(converged)" in note and "Stopping proves no maximum" in note
    assert "a maximum. Its mirror image" in note


def test_close_means_show_one_maximum_on_the_mirror_line_and_no_label_switching(page):
    """The issue's example: separation 0.5, n = 200, seed 1 (variance 0.91 < 1)."""
    lecture_data(page, 0.5, 200, 1)
    text = summary(page)
    assert "1 maximum (star) and no saddles" in text
    assert "The only maximum lies on the mirror line" in text and "no label switching" in text
    assert "mirror image" not in text and "two maxima" not in text.lower()
    assert "smaller than σ² = 1" in text and "is a **maximum**" in text
    chart = surface_chart(page)
    maxima = named(chart, "maxima")[0]
    assert decode(maxima["x"])[0] == pytest.approx(decode(maxima["y"])[0])
    assert not named(chart, "saddles")
    step(page, "Run to convergence")
    (note,) = [s.value for s in page.success]
    assert "maximum on the mirror line" in note and "mirror image" not in note
    all_text = texts(page.markdown) + texts(page.success) + texts(page.warning)
    assert "two equally high maxima" not in all_text
    assert "one maximum per relabelling" not in all_text


def test_a_start_on_the_mirror_line_ends_at_the_saddle_and_says_so(page):
    lecture_data(page, 4.0, 200, 0, start=(1.0, 1.0))
    (start_note,) = [w.value for w in page.warning if w.value.startswith("The start has")]
    assert "which for these data is a saddle, not a maximum" in start_note
    step(page, "Run to convergence")
    (end,) = [w.value for w in page.warning if w.value.startswith("EM stopped")]
    assert "(converged)" in end and "the **saddle** on the mirror line, not a maximum" in end
    assert not page.success


def test_a_start_on_the_mirror_line_with_close_means_ends_at_the_maximum(page):
    lecture_data(page, 0.5, 200, 1, start=(1.0, 1.0))
    (start_note,) = [i.value for i in page.info if i.value.startswith("The start has")]
    assert "which for these data is the maximum" in start_note
    assert not [w for w in page.warning if "saddle" in w.value]
    step(page, "Run to convergence")
    (end,) = [s.value for s in page.success]
    assert "the surface's maximum on the mirror line" in end


def test_few_points_can_have_a_genuinely_different_local_optimum(page):
    lecture_data(page, 5.0, 10, 14, start=(-3.5, 2.0))
    text = summary(page)
    assert "**2 different fits**" in text and "genuinely different local optima" in text
    assert "4 maxima" in text and "3 saddles" in text
    step(page, "Run to convergence")
    (end,) = [i.value for i in page.info if i.value.startswith("EM stopped")]
    assert "**not the best fit**" in end and "local optimum" in end
    shape = surface_shape(means_only_data(5.0, 10, 14))
    best = shape.fits()[0]
    assert f"{best.mu1:.4g}" in end


# --- why EM climbs ------------------------------------------------------------------------------


def test_why_em_climbs_has_an_anchor_for_the_steppers(page):
    (header,) = [h for h in page.header if h.value == "6 · Why EM climbs"]
    assert header.proto.anchor == bound.ANCHOR == "why-em-climbs"
    formulas = display_formulas(page)
    assert r"\mathrm{KL}\big(q_i \,\|\, p(z_i \mid x_i, \theta)\big)" in formulas
    assert r"\ell(\theta^{\text{new}}) \;\ge\; \mathcal{F}(q, \theta^{\text{new}})" in formulas


def test_the_bound_touches_after_an_e_step_and_the_m_step_jumps_to_its_top(page):
    X = means_only_data(4.0, 200, 0)
    path = means_only_path(X, -1.0, -0.5)
    # The start: no bound yet.
    assert climb_text(page).startswith("At half-step **0** of")
    assert "There is no q yet" in climb_text(page)
    assert not named(bound_chart(page), "lower bound F(q, θ) for the q of the last E-step")
    # E-step (pressed in this section's own step bar): the bound touches l at the current mean.
    step(page, "E-step", bar="bound")
    assert "**After an E-step**" in climb_text(page)
    chart = bound_chart(page)
    (now,) = named(chart, "now")
    (curve,) = named(chart, "lower bound F(q, θ) for the q of the last E-step")
    q = path.responsibilities_at(X, 1)
    grid = surface_grid(X, surface_resolution(200))  # the figure's x, sent as float32
    np.testing.assert_allclose(decode(chart["data"][0]["x"]), grid, rtol=1e-6)
    ell, expected = means_only_slice(X, path.means[1], 0, grid, q)
    np.testing.assert_allclose(decode(curve["y"]), expected, rtol=1e-9)
    np.testing.assert_allclose(decode(chart["data"][0]["y"]), ell, rtol=1e-9)
    assert np.all(expected <= ell + 1e-9 * np.abs(ell))
    at_now = means_only_slice(X, path.means[1], 0, [now["x"][0]], q)
    assert at_now[1][0] == pytest.approx(now["y"][0], rel=1e-12)  # touching
    (top,) = named(chart, "top of the bound (where the M-step goes)")
    # M-step: the mean jumps to the top of the bound; l rose above the line "before".
    step(page, "M-step", bar="bound")
    assert "**After an M-step**" in climb_text(page)
    chart = bound_chart(page)
    (now,) = named(chart, "now")
    assert now["x"][0] == pytest.approx(top["x"][0])
    assert now["x"][0] == pytest.approx(path.means[2][0])
    (before,) = named(chart, "ℓ before this M-step")
    assert now["y"][0] >= before["y"][0]
    assert named(chart, "the gap ℓ − F = KL(q ‖ p(z | x, θ))")
    # Both step bars move the same run: the surface's status line follows.
    (status,) = [m.value for m in page.markdown if m.value.startswith("Half-step")]
    assert status.startswith("Half-step **2**")
    # Along mu_2 instead.
    page.radio(key=STATE.key("bound_axis")).set_value("μ₂").run()
    assert bound_chart(page)["layout"]["xaxis"]["title"]["text"] == "μ₂"


# --- the Gaussian behind the ellipses ------------------------------------------------------------


def test_the_gaussian_section_shows_the_eigen_decomposition_and_the_mass_of_an_ellipse(page):
    (header,) = [h for h in page.header if h.value.startswith("7 · The Gaussian")]
    assert header.proto.anchor == gaussian.ANCHOR
    page.slider(key=STATE.key("gauss_std1")).set_value(1.5).run()
    page.slider(key=STATE.key("gauss_std2")).set_value(0.5).run()
    page.slider(key=STATE.key("gauss_rho")).set_value(0.0).run()
    formulas = display_formulas(page)
    assert r"\Lambda = \begin{pmatrix}2.25 & 0\\0 & 0.25\end{pmatrix}" in formulas
    assert r"\sqrt{\lambda_1} = 1.5" in formulas and r"\sqrt{\lambda_2} = 0.5" in formulas
    words = texts(page.markdown)
    for mass in (mass_within(1, 2), mass_within(2, 2), mass_within(1, 1)):
        assert f"{100 * mass:.1f} %" in words
    assert "39.3 %" in words and "86.5 %" in words and "68.3 %" in words
    (figure,) = [c for c in charts(page) if any("ellipse: 39.3 % of the mass" in t.get("name", "")
                                                for t in c["data"])]
    (long_axis,) = [t for t in figure["data"] if str(t.get("name", "")).startswith("axis 1")]
    assert decode(long_axis["x"])[-1] == pytest.approx(1.5) and "√λ₁ = 1.50" in long_axis["name"]
    page.toggle(key=STATE.key("gauss_coverage")).set_value(True).run()
    names = [t.get("name", "") for c in charts(page) for t in c["data"]]
    assert "50 % ellipse (c = 1.18σ)" in names and "95 % ellipse (c = 2.45σ)" in names
    assert any("| full |" in m.value and "K·D·(D + 1)/2" in m.value for m in page.markdown)


# --- one notation everywhere ------------------------------------------------------------------


def test_one_notation_everywhere_outside_the_glossary(page):
    """π for weights, r_ik for responsibilities, x_i, component k: the reference texts' ϕ/φ,
    w_j^(i), x^(i) appear only in the glossary that maps them."""
    step(page, "E-step")
    glossary = [m.value for m in page.markdown if "| meaning | this app |" in m.value]
    assert len(glossary) == 1
    for symbol in (r"$w_j^{(i)}$", r"$r_{ic}$", r"$m_c$", r"$\phi^{(j)}$", "Categorical"):
        assert symbol in glossary[0]
    shown = [m.value for m in page.markdown if m.value != glossary[0]]
    shown += [e.value for kind in ("latex", "caption", "success", "info", "warning")
              for e in getattr(page, kind)]
    shown += [w.label for kind in ("slider", "number_input", "toggle", "selectbox", "radio")
              for w in getattr(page, kind)]
    shown += [json.dumps(c, ensure_ascii=False) for c in charts(page)]
    shown += [page.get("graphviz_chart")[0].proto.spec]
    shown += [" ".join(map(str, frame.value.columns)) for frame in page.dataframe]
    text = "\n".join(shown)
    for wrong in ("φ", "ϕ", r"\phi", "w_j", "w^{(i)}", "x^{(i)}", "z^{(i)}", "x(i)", "z(i)",
                  "Multinomial", "μ(j)"):
        assert wrong not in text, wrong
    assert re.search(r"\bj = 1", text) is None


# --- text alternatives (issue #14) ------------------------------------------------------------


def descriptions(at) -> list[str]:
    return ["\n".join(m.value for m in expander.markdown)
            for expander in at.expander if expander.label == "Describe this figure"]


def test_every_figure_has_a_description_of_its_current_state(page):
    described = descriptions(page)
    # The plate diagram and every Plotly figure on the page.
    assert len(described) == 1 + len(charts(page))
    joined = "\n".join(described)
    assert "A plate diagram of the mixture model" in joined
    assert "0 of 300 points drawn from 3 components" in joined
    assert "component 1 at (-4.00, 0.00) with weight π₁ = 0.30" in joined
    assert "EM's path starts at (-1, -0.5) and has reached half-step 0" in joined
    assert "No lower bound is drawn yet" in joined
    assert "1000 draws from a 2-D Gaussian" in joined and "39.3 % of the mass" in joined
    (draw,) = [b for b in page.button if b.label == "Draw 10"]
    draw.click().run()
    step(page, "Run to convergence")
    joined = "\n".join(descriptions(page))
    assert "10 of 300 points drawn" in joined and "The newest point, ringed, is at" in joined
    shape = surface_shape(means_only_data(4.0, 200, 0))
    first = shape.maxima[0]
    assert f"Maxima (stars): ({first.mu1:.4g}, {first.mu2:.4g})" in joined
    assert "coloured by the responsibilities of the last E-step" in joined
    assert "The lower bound F(q, θ) lies under ℓ everywhere" in joined
