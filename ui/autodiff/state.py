"""The automatic-differentiation page's state: every widget and remembered value, declared once.

Keys are ``"ad.<field>"`` (``"ad.jac_point.<variable>"`` for the Jacobian's point). Widgets are
bound with ``key=bound(name)``, which stores the field's declared default first, so the default
is written here and nowhere else.
"""

from __future__ import annotations

from ui.kit.session import Family, Field, PageState

LECTURE_FORMULA = "x1*x2 + sin(x1)"
LECTURE_VARIABLES = ("x1", "x2")
JACOBIAN_DEFAULT = "x1*x2 + sin(x3)\nx1**2 - x2*x3"
SHARED_VARIANCE = "σ² I (means-only model)"


class AutodiffState(PageState):
    """The page's fields, tab by tab."""

    # 1. Dual numbers: the calculator (a + bε) op (c + dε), and f evaluated on a + ε.
    calc_a = Field(float, 3.0)
    calc_b = Field(float, 1.0)
    calc_op = Field(str, "×")
    calc_c = Field(float, 2.0)
    calc_d = Field(float, 0.0)
    poly_formula = Field(str, "x**3 - 2*x + 1")
    poly_a = Field(float, 1.5)
    tangent_chart = Field(object)  # a chart's element key: nothing is stored under it

    # 2. and 3. Forward and reverse mode on the lecture's function.
    formula = Field(str, LECTURE_FORMULA)
    x1 = Field(float, 2.0)
    x2 = Field(float, 3.0)
    seed1 = Field(float, 1.0)
    seed2 = Field(float, 0.0)

    # 4. Finite differences.
    fd_formula = Field(str, "x**3")
    fd_x = Field(float, 1.0)
    fd_chart = Field(object)

    # 5. Newton's method: the formula, the start, the buttons, and how many steps are shown
    # for which (formula, start): a pair ((formula, start), steps).
    newton_formula = Field(str, "x**3 - 2*x - 5")
    newton_x0 = Field(float, 3.0)
    newton_step = Field(bool, False)
    newton_reset = Field(bool, False)
    newton_progress = Field(object, None)
    newton_chart = Field(object)

    # 6. Jacobians: the inputs, the components, the point (one number per input), and how many
    # sweeps of each mode are drawn (sliders drawn with value= "all of them", so no default here).
    jac_inputs = Field(str, "x1, x2, x3")
    jac_formulas = Field(str, JACOBIAN_DEFAULT)
    jac_point = Family(float, 1.0)
    jac_forward = Field(int, 0)
    jac_reverse = Field(int, 0)
    jac_forward_chart = Field(object)
    jac_reverse_chart = Field(object)

    # 7. Gradient ascent against EM.
    em_data = Field(str, "tutorial-2d")
    em_k = Field(int, 3)
    em_cov = Field(str, SHARED_VARIANCE)
    em_seed = Field(int, 0)
    em_rate = Field(float, 10.0)
    em_iterations = Field(int, 30)
    em_means_only = Field(bool, True)
    em_race_chart = Field(object)
    em_paths_chart = Field(object)


STATE = AutodiffState("ad")


def bound(name: str) -> str:
    """The key for the widget bound to field ``name``, with the field's default stored first."""
    STATE.set_default(name, getattr(AutodiffState, name).default())
    return STATE.key(name)
