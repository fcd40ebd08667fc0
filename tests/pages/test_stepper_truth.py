"""Every sentence true in every state (issue #12, section 1): the steppers reach the states a
review found and check what the page says there."""

from __future__ import annotations

import pytest

from tests.pages.stepper_helpers import (
    PAGE_1D,
    PAGE_2D,
    assert_clean,
    click,
    formula_texts,
    open_page,
    show_details,
    texts,
)


def _everything(app) -> str:
    return "\n".join(texts(elements) for elements in (app.markdown, app.info, app.warning,
                                                      app.error, app.success, app.caption))


def test_the_start_panel_says_what_each_half_step_does_to_the_log_likelihood():
    app = open_page(PAGE_2D)
    show_details(app, PAGE_2D, "The formulas")
    text = _everything(app)
    assert "Both raise the log-likelihood" not in text
    assert "the **E-step** leaves ℓ unchanged" in texts(app.markdown)
    assert "raises the lower bound until it touches ℓ" in text
    assert "Why EM climbs" in text


def test_a_large_reg_covar_that_lowers_the_likelihood_is_named_as_the_cause():
    app = open_page(PAGE_2D, {"dataset": "textbook", "k": "3", "cov": "full", "init": "k-means",
                              "seed": "0", "reg": "1", "step": "2"})
    note = texts(app.info)
    assert "fell by" in note and "rose by −" not in note and "rose by -" not in note
    assert "regularisation" in note and "reg_covar = 1" in note
    assert "variance near zero" not in _everything(app)
    assert "EM never lowers it" not in _everything(app)
    click(app, PAGE_2D, "Run to convergence")
    text = _everything(app)
    assert "local maximum" not in text and "That is a local maximum" not in text
    assert "Stopping proves no maximum" in text or "Stopped after" in text


def test_identical_starting_means_stop_on_a_saddle_and_the_page_says_it_is_not_a_maximum():
    # Old Faithful with both means placed at (3.5, 70): the components never separate.
    app = open_page(PAGE_2D, {"dataset": "faithful", "init": "given-means",
                              "means": "3.5,70;3.5,70"})
    click(app, PAGE_2D, "Run to convergence")
    note = texts(app.info)
    assert "coinciding components" in note and "not a maximum" in note
    assert "local maximum" not in _everything(app)
    assert "-1 289.79" in texts(app.markdown)  # the status line's ℓ, against −1130 from a fair start


def test_convergence_on_a_loose_tolerance_is_not_called_a_maximum():
    app = open_page(PAGE_2D, {"dataset": "textbook", "k": "3", "init": "random-points",
                              "seed": "0"})
    click(app, PAGE_2D, "Run to convergence")
    note = texts(app.info)
    assert "**Converged** (ℓ changed less than tol = 0.001 per point" in note.replace(
        "Converged (", "**Converged** (")
    assert "Stopping proves no maximum" in note
    assert "still raised ℓ by" in note  # tol = 1e-3 is loose: EM was still climbing


@pytest.mark.parametrize(("init", "origin"), [
    ("random-responsibilities", "M-step on random responsibilities"),
    ("k-means", "k-means' hard assignments"),
])
def test_the_start_note_says_how_responsibilities_made_the_start(init, origin):
    app = open_page(PAGE_2D, {"init": init})
    note = texts(app.info)
    assert origin in note and "nobody has computed" not in note


def test_the_tied_e_step_shows_the_shared_covariance():
    app = open_page(PAGE_2D, {"cov": "tied"})
    show_details(app, PAGE_2D, "The formulas")
    click(app, PAGE_2D, "E-step")
    latex = formula_texts(app)
    assert r"\mathcal{N}(x_i \mid \mu_k, \Sigma)" in latex and r"\Sigma_k" not in latex.split(
        "aligned")[0]


def test_a_singular_start_with_reg_covar_zero_is_explained_and_offers_the_cure():
    # K = 10 on 30 points from a k-means start leaves some component on one point.
    app = open_page(PAGE_2D, {"dataset": "blobs", "n": "30", "k": "10", "init": "k-means",
                              "reg": "0"})
    assert_clean(app)
    text = _everything(app)
    assert "The start itself is singular" in text
    assert "there is nothing to climb" in text
    safe = app.button(key="em2d.lesson.safe")
    safe.click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.reg").value == "0.01"


def test_the_one_dimensional_page_uses_the_same_notation():
    app = open_page(PAGE_1D)
    show_details(app, PAGE_1D, "The numbers", "The formulas")
    click(app, PAGE_1D, "E-step")
    click(app, PAGE_1D, "M-step")
    latex = formula_texts(app)
    assert "N_k" in latex and "m_c" not in latex and "r_{ic}" not in latex
    assert "N_k (soft count)" in "".join(element.proto.body for element in app.get("html"))


def test_the_ellipses_say_how_much_mass_they_hold_and_can_be_drawn_by_coverage():
    from gmm_core.gaussian import sigma_for_mass
    from tests.pages.stepper_helpers import charts, decode

    app = open_page(PAGE_2D)
    caption = texts(app.caption)
    assert "1σ, holds 39.3% of its component's mass" in caption
    assert "2σ, holds 86.5%" in caption
    one_sigma = [trace for trace in charts(app)[0]["data"]
                 if trace.get("name") == "component 1"][0]
    app.segmented_control(key="em2d.ellipses").set_value("coverage").run()
    assert_clean(app)
    caption = texts(app.caption)
    assert "holds 50.0% of its component's mass" in caption and "95.0%" in caption
    half = [trace for trace in charts(app)[0]["data"] if trace.get("name") == "component 1"][0]
    # The 50 % ellipse is the 1σ ellipse scaled by the χ² quantile's square root.

    def width(trace):
        x = decode(trace["x"]).astype(float)
        return x.max() - x.min()

    assert width(half) / width(one_sigma) == pytest.approx(sigma_for_mass(0.5), rel=1e-6)


def test_the_one_dimensional_caption_gives_the_share_of_one_sigma():
    app = open_page(PAGE_1D)
    assert "μ_k ± σ_k holds 68.3% of component k's mass" in texts(app.caption)


def test_the_likelihood_chart_has_a_legend_and_says_what_the_dotted_line_is():
    from tests.pages.stepper_helpers import likelihood_svg

    app = open_page(PAGE_2D)
    click(app, PAGE_2D, "E-step")
    svg = likelihood_svg(app)
    assert "log-likelihood ℓ(θ)" in svg and "lower bound F(q, θ)" in svg
    assert "The dotted line is the lower bound F(q, θ)" in texts(app.caption)


def test_the_stepper_maps_the_reference_texts_notation_to_its_own():
    app = open_page(PAGE_2D)
    glossary = "\n".join(m.value for m in app.markdown)  # the app's own Markdown, raw
    assert r"$w_j^{(i)}$" in glossary and r"$r_{ic}$" in glossary and r"$m_c$" in glossary
    assert r"$\phi^{(j)}$ (phi)" in glossary and "Categorical" in glossary


def test_common_mistakes_are_shown_with_their_effect_on_the_data_on_screen():
    app = open_page(PAGE_2D, {"dataset": "faithful", "k": "2", "init": "k-means"})
    click(app, PAGE_2D, "E-step")
    show_details(app, PAGE_2D, "Common mistakes")
    text = texts(app.markdown)
    for title in ("A variance where a standard deviation is expected",
                  "Responsibilities normalised by the wrong sum", "Σ_k without 1/N_k",
                  "The log of a sum instead of a sum of logs", "Predicting without the weights",
                  "(x − μ)ᵀ(x − μ) for (x − μ)(x − μ)ᵀ"):
        assert title in text
    assert "the weights after the M-step would sum to 0.00368 instead of 1" in text  # 1/N for N = 272
    assert "the responsibilities on screen" in text
