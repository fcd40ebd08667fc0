"""The seven sections of the automatic-differentiation page, one Streamlit function each.

The page script only lays out the tabs and calls these. Every formula box goes through
``parse_expression``; a refused formula or a point where it cannot be evaluated is shown with
``st.error`` and the rest of the page keeps working. Widget keys start with ``ad_``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.autodiff import ALLOWED_FUNCTIONS, Dual, ExpressionError, parse_expression
from gmm_core.autodiff.expression import MAX_LENGTH, Expression
from gmm_core.autodiff.lessons import (
    finite_difference_study,
    jacobian_study,
    newton_iterations,
    value_and_derivative,
)
from gmm_core.autodiff.mixture_gradient import (
    closed_form_mean_gradient,
    gradient_ascent,
    mean_gradient_forward,
    mean_gradient_reverse,
)
from gmm_core.autodiff.sweeps import ForwardSweep
from gmm_core.datasets import PRESETS, load_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params, means_only_params
from gmm_core.mixture import full_covariances
from ui import autodiff_figures as figures
from ui.autodiff_latex import forward_trace_latex, reverse_trace_latex, to_latex
from ui.figures_2d import ellipse_outline

LECTURE_FORMULA = "x1*x2 + sin(x1)"
LECTURE_VARIABLES = ("x1", "x2")
GRAMMAR_HELP = (
    "Numbers, the variables, + − * / ** (powers: x**2, not x^2), parentheses, the constants pi "
    f"and e, and the functions {', '.join(ALLOWED_FUNCTIONS)}. At most {MAX_LENGTH} characters."
)


def _formula(label: str, default: str, variables, key: str) -> Expression | None:
    """A formula box; returns the parsed expression, or shows why it was refused."""
    text = st.text_input(label, value=default, key=key, max_chars=MAX_LENGTH, help=GRAMMAR_HELP)
    try:
        return parse_expression(text, variables)
    except ExpressionError as refusal:
        st.error(f"{refusal}", icon=":material/error:")
        return None


def _plotly(figure, key: str) -> None:
    st.plotly_chart(figure, width="stretch", key=key,
                    config={"displaylogo": False, "toImageButtonOptions": {"scale": 2}})


# -- 1. dual numbers -------------------------------------------------------------------------------

_OPERATIONS = {
    "+": (lambda p, q: p + q, r"(a + c) + (b + d)\,\varepsilon"),
    "−": (lambda p, q: p - q, r"(a - c) + (b - d)\,\varepsilon"),
    "×": (lambda p, q: p * q, r"ac + (ad + bc)\,\varepsilon + bd\,\varepsilon^2 "
                              r"= ac + (ad + bc)\,\varepsilon"),
    "÷": (lambda p, q: p / q, r"\frac{a}{c} + \frac{bc - ad}{c^2}\,\varepsilon"),
    # With d = 0 the exponent is a plain number: no log a term, so (-2 + ε)^3 works.
    "power": (lambda p, q: p ** (q if q.deriv != 0 else q.value),
              r"a^c + \left(c\,a^{c-1} b + a^c \ln a \; d\right)\varepsilon"),
}


def _dual_latex(value: float, deriv: float) -> str:
    sign = "-" if deriv < 0 else "+"
    return rf"{figures.number(value)} {sign} {figures.number(abs(deriv))}\,\varepsilon"


def dual_numbers() -> None:
    st.markdown(
        "A **dual number** $a + b\\,\\varepsilon$ is a pair of real numbers with a new unit "
        "$\\varepsilon$ whose square is zero: $\\varepsilon^2 = 0$ (but $\\varepsilon \\neq 0$). "
        "Arithmetic is the usual one, with every $\\varepsilon^2$ dropped. The $\\varepsilon$ "
        "part then follows the rules of differentiation by itself:"
    )
    st.latex(r"f(a + b\,\varepsilon) = f(a) + f'(a)\,b\,\varepsilon"
             r"\qquad\text{(Taylor: all terms with } \varepsilon^2, \varepsilon^3, \dots"
             r"\text{ vanish)}")
    st.subheader("Calculator")
    columns = st.columns(5)
    a = columns[0].number_input("a", value=3.0, key="ad_calc_a",
                                help="The value of the first number a + bε.")
    b = columns[1].number_input("b (ε part)", value=1.0, key="ad_calc_b")
    operation = columns[2].selectbox("operation", list(_OPERATIONS), index=2, key="ad_calc_op")
    c = columns[3].number_input("c", value=2.0, key="ad_calc_c",
                                help="The value of the second number c + dε.")
    d = columns[4].number_input("d (ε part)", value=0.0, key="ad_calc_d")
    apply, rule = _OPERATIONS[operation]
    symbol = {"+": "+", "−": "-", "×": r"\times", "÷": r"\div", "power": "^"}[operation]
    with np.errstate(all="ignore"):
        result = apply(Dual(a, b), Dual(c, d))
    st.latex(rf"(a + b\varepsilon) {symbol} (c + d\varepsilon) = {rule}")
    if np.isfinite(result.value) and np.isfinite(result.deriv):
        st.latex(rf"({_dual_latex(a, b)}) {symbol} ({_dual_latex(c, d)}) = "
                 rf"{_dual_latex(result.value, result.deriv)}")
    else:
        st.warning("This result is not a real number (a division by zero, or a power of a "
                   "negative or zero number whose derivative needs its logarithm). Change the "
                   "inputs.", icon=":material/warning:")

    st.subheader("A function evaluated on a + ε")
    st.markdown("Evaluate any formula on $x = a + 1\\,\\varepsilon$: the $\\varepsilon$ part of "
                "the result is the derivative $f'(a)$, exact, with no step size.")
    formula_column, point_column = st.columns([3, 1])
    with formula_column:
        expression = _formula("f(x) =", "x**3 - 2*x + 1", ("x",), "ad_poly_formula")
    with point_column:
        a_point = st.number_input("a", value=1.5, key="ad_poly_a")
    if expression is not None:
        try:
            value, slope = value_and_derivative(expression, "x", a_point)
        except ExpressionError as trouble:
            st.error(str(trouble), icon=":material/error:")
        else:
            st.latex(rf"f({figures.number(a_point)} + \varepsilon) = "
                     rf"{_dual_latex(value, slope)}"
                     rf"\quad\Rightarrow\quad f({figures.number(a_point)}) = "
                     rf"{figures.number(value)},\;\; f'({figures.number(a_point)}) = "
                     rf"{figures.number(slope)}")
            grid = np.linspace(a_point - 2.0, a_point + 2.0, 401)
            curve = np.asarray(expression.evaluate({"x": grid}, strict=False), float)
            curve = np.broadcast_to(curve, grid.shape)
            _plotly(figures.tangent_figure(grid, curve, a_point, value, slope,
                                           f"f(x) = {expression.text} and its tangent at "
                                           f"a = {figures.number(a_point)}"),
                    key="ad_tangent_chart")
    st.markdown("**The elementary functions on $a + \\varepsilon$**: each one knows its own "
                "derivative (this table is computed, not typed).")
    st.dataframe(_elementary_table(a_point), hide_index=True, width="stretch")


def _elementary_table(a: float):
    rows = []
    for name in ALLOWED_FUNCTIONS:
        with np.errstate(all="ignore"):
            result = getattr(Dual(a, 1.0), name)()
        defined = np.isfinite(result.value) and np.isfinite(result.deriv)
        rows.append({
            "function": f"{name}(a + ε)",
            "value f(a)": figures.number(result.value) if defined else "undefined",
            "ε part f′(a)": figures.number(result.deriv) if defined else "undefined",
        })
    return pd.DataFrame(rows)


# -- 2. and 3. forward and reverse mode on the lecture's function ----------------------------------


@dataclass(frozen=True)
class LectureFunction:
    """The function of sections 2 and 3 and the point where it is differentiated."""

    expression: Expression
    point: dict[str, float]


_LONGEST_SHOWN_DERIVATIVE = 160


@functools.lru_cache(maxsize=128)
def _symbolic_gradient(text: str, variables: tuple[str, ...]) -> dict[str, Expression] | None:
    """∂f/∂x for each variable, differentiated once per formula (shared by the two tabs)."""
    expression = parse_expression(text, variables)
    try:
        return {name: expression.derivative(name) for name in variables}
    except ExpressionError:
        return None


def _exact_gradient(expression: Expression, point: dict[str, float]):
    """(each partial derivative as LaTeX, their values) or None if they cannot be had."""
    derivatives = _symbolic_gradient(expression.text, expression.variables)
    if derivatives is None:
        return None
    texts, values = {}, {}
    for name, derivative in derivatives.items():
        try:
            values[name] = float(derivative.evaluate(point))
        except ExpressionError:
            return None
        # Expression swell: a long symbolic derivative is counted, not printed.
        texts[name] = (to_latex(derivative.text) if len(derivative.text)
                       <= _LONGEST_SHOWN_DERIVATIVE else
                       rf"\text{{(a formula of {len(derivative.text)} characters)}}")
    return texts, values


def forward_mode() -> LectureFunction | None:
    st.markdown(
        "Forward mode evaluates the program on dual numbers: each step $w_i$ carries its value "
        "and its **tangent** $\\dot w_i$, the derivative along the chosen seed direction "
        "$\\dot x$. One sweep gives one directional derivative $\\nabla f \\cdot \\dot x$."
    )
    columns = st.columns([4, 1, 1, 1, 1])
    with columns[0]:
        expression = _formula("f(x1, x2) =", LECTURE_FORMULA, LECTURE_VARIABLES, "ad_formula")
    x1 = columns[1].number_input("x1", value=2.0, key="ad_x1")
    x2 = columns[2].number_input("x2", value=3.0, key="ad_x2")
    seed1 = columns[3].number_input("seed ẋ1", value=1.0, key="ad_seed1")
    seed2 = columns[4].number_input("seed ẋ2", value=0.0, key="ad_seed2")
    if expression is None:
        return None
    point = {"x1": x1, "x2": x2}
    try:
        sweep = expression.forward_sweep(point, {"x1": seed1, "x2": seed2})
    except ExpressionError as trouble:
        st.error(str(trouble), icon=":material/error:")
        return LectureFunction(expression, point)
    st.markdown("**Evaluation trace** (the Wengert list): every step $w_i$ with its value, "
                "and beside it the chain rule for its tangent $\\dot w_i$")
    st.latex(forward_trace_latex(expression, sweep))
    graph_column, result_column = st.columns([3, 2])
    with graph_column:
        st.markdown("**Computational graph** with values and tangents")
        st.graphviz_chart(figures.forward_graph(expression, sweep), width="content")
    with result_column:
        _forward_result(expression, sweep, point, (seed1, seed2))
        with st.expander("The trace as a table"):
            st.dataframe(figures.forward_table(expression, sweep), hide_index=True,
                         width="stretch")
        with st.expander("The derivative program, written by source transformation"):
            st.markdown("An AD tool can also *write* the derivative program: after each line "
                        "of the original, the line of its tangent (like the lecture's "
                        "`diff_function.c`).")
            st.code(expression.forward_source(), language="python")
    return LectureFunction(expression, point)


def _forward_result(expression: Expression, sweep: ForwardSweep, point, seeds) -> None:
    exact = _exact_gradient(expression, point)
    st.markdown(f"**Forward mode:** $\\dot f = \\nabla f\\cdot\\dot x = "
                f"{figures.number(sweep.derivative)}$ (seed $\\dot x = "
                f"({figures.number(seeds[0])}, {figures.number(seeds[1])})$).")
    if exact is None:
        st.info("The symbolic derivative is too large to compare here.")
        return
    texts, values = exact
    exact_directional = values["x1"] * seeds[0] + values["x2"] * seeds[1]
    st.markdown(
        f"**Exact**, by symbolic differentiation: $\\partial f/\\partial x_1 = "
        f"{texts['x1']}$, $\\partial f/\\partial x_2 = {texts['x2']}$, "
        f"so $\\nabla f\\cdot\\dot x = {figures.number(exact_directional)}$. Difference "
        f"from AD: {figures.number(abs(exact_directional - sweep.derivative))}."
    )


def reverse_mode(function: LectureFunction | None) -> None:
    st.markdown(
        "Reverse mode runs the program once forwards, recording it on a *tape*, then sweeps it "
        "backwards propagating **adjoints** $\\bar w_i = \\partial f/\\partial w_i$, starting "
        "from $\\bar f = 1$. Each edge multiplies by its local partial derivative; where a "
        "variable is used twice, the contributions add up. **One sweep gives the whole "
        "gradient.**"
    )
    st.caption("The function and the point are those of the Forward mode tab.")
    if function is None:
        st.warning("Type a valid formula in the Forward mode tab first.",
                   icon=":material/warning:")
        return
    expression, point = function.expression, function.point
    st.markdown(f"$f(x_1, x_2) = {to_latex(expression.canonical_text)}$ at "
                f"$x_1 = {figures.number(point['x1'])}$, $x_2 = {figures.number(point['x2'])}$")
    try:
        sweep = expression.reverse_sweep(point)
    except ExpressionError as trouble:
        st.error(str(trouble), icon=":material/error:")
        return
    trace_column, graph_column = st.columns([1, 2])
    with trace_column:
        st.markdown("**Adjoint sweep**, last step first: $\\bar w_i = \\sum_j \\bar w_j\\,"
                    "\\partial w_j/\\partial w_i$ over the steps $j$ that use $w_i$")
        st.latex(reverse_trace_latex(expression, sweep))
    with graph_column:
        st.markdown("**Graph** with adjoints; each edge shows its local partial ∂")
        st.graphviz_chart(figures.reverse_graph(expression, sweep), width="content")
    with st.expander("The sweep as a table"):
        st.dataframe(figures.reverse_table(expression, sweep), hide_index=True, width="stretch")
    gradient = sweep.gradient
    st.markdown(f"**Reverse mode, one sweep:** $\\nabla f = "
                f"({figures.number(gradient['x1'])},\\ {figures.number(gradient['x2'])})$. "
                f"Forward mode needs {len(expression.variables)} sweeps for this, one per input.")
    exact = _exact_gradient(expression, point)
    if exact is not None:
        texts, values = exact
        error = max(abs(values[n] - gradient[n]) for n in expression.variables)
        st.markdown(f"**Exact:** $\\nabla f = ({figures.number(values['x1'])},\\ "
                    f"{figures.number(values['x2'])})$ from $\\partial f/\\partial x_1 = "
                    f"{texts['x1']}$ and $\\partial f/\\partial x_2 = "
                    f"{texts['x2']}$. Largest difference: {figures.number(error)}.")
    with st.expander("The adjoint program, written by source transformation"):
        st.code(expression.reverse_source(), language="python")


# -- 4. finite differences -------------------------------------------------------------------------


def finite_differences() -> None:
    st.markdown(
        "A difference quotient needs a step $h$. Its **truncation error** shrinks with $h$ "
        "(like $h$ for forward, $h^2$ for central differences), but its **round-off error** "
        "grows like $\\varepsilon_{\\text{mach}}/h$: $f(x+h)$ and $f(x)$ agree in almost all "
        "digits and the subtraction cancels them. AD has no step and no cancellation."
    )
    formula_column, point_column = st.columns([3, 1])
    with formula_column:
        expression = _formula("f(x) =", "x**3", ("x",), "ad_fd_formula")
    with point_column:
        x = st.number_input("x", value=1.0, key="ad_fd_x")
    if expression is None:
        return
    try:
        study = finite_difference_study(expression, x)
    except ExpressionError as trouble:
        st.error(str(trouble), icon=":material/error:")
        return
    _plotly(figures.finite_difference_figure(study, expression.text), key="ad_fd_chart")
    metrics = st.columns(4)
    if study.exact_text is None:
        st.info("This formula is too deep for the symbolic differentiator: the errors are "
                "measured against the AD derivative instead.")
    metrics[0].metric("exact f′(x)", figures.number(study.exact_derivative),
                      help=f"symbolic: {study.exact_text or 'not available'}")
    metrics[1].metric("AD (dual numbers)", f"{study.ad_derivative:.15g}",
                      help="error " + figures.number(study.ad_error))
    metrics[2].metric("best forward difference", figures.number(np.nanmin(study.forward_errors)),
                      help=f"error at h = {study.best_forward_step:.1e}")
    metrics[3].metric("best central difference", figures.number(np.nanmin(study.central_errors)),
                      help=f"error at h = {study.best_central_step:.1e}")
    st.caption(f"Smallest errors: forward at h ≈ {study.best_forward_step:.0e} (theory √ε ≈ "
               f"1.5e-08), central at h ≈ {study.best_central_step:.0e} (theory ∛ε ≈ 6e-06).")


# -- 5. Newton's method ----------------------------------------------------------------------------

_NEWTON_STATE = "ad_newton_progress"
_NEWTON_MAX_STEPS = 100


def newton() -> None:
    st.markdown(
        "Newton's method follows the tangent to the x-axis: "
        "$x_{n+1} = x_n - f(x_n)/f'(x_n)$. One evaluation of $f$ on the dual number "
        "$x_n + \\varepsilon$ gives both $f(x_n)$ and $f'(x_n)$."
    )
    formula_column, start_column = st.columns([3, 1])
    with formula_column:
        expression = _formula("f(x) =", "x**3 - 2*x - 5", ("x",), "ad_newton_formula")
    with start_column:
        x0 = st.number_input("start x₀", value=3.0, key="ad_newton_x0")
    if expression is None:
        return
    # The count of steps belongs to one (formula, start): changing either starts over.
    signature = (expression.text, x0)
    progress = st.session_state.get(_NEWTON_STATE)
    if not progress or progress[0] != signature:
        progress = (signature, 1)
    buttons = st.columns([1, 1, 4])
    if buttons[0].button("Newton step", key="ad_newton_step", type="primary"):
        progress = (signature, min(progress[1] + 1, _NEWTON_MAX_STEPS))
    if buttons[1].button("Start over", key="ad_newton_reset"):
        progress = (signature, 1)
    steps, status = newton_iterations(expression, x0, progress[1])
    st.session_state[_NEWTON_STATE] = (signature, min(progress[1], len(steps)))
    if not steps:
        st.error(status, icon=":material/error:")
        return
    low, high = figures.newton_plot_range(steps, x0)
    grid = np.linspace(low, high, 600)
    curve = np.broadcast_to(np.asarray(expression.evaluate({"x": grid}, strict=False), float),
                            grid.shape)
    chart_column, table_column = st.columns([1, 1])
    with chart_column:
        _plotly(figures.newton_figure(grid, curve, steps, expression.text), key="ad_newton_chart")
    with table_column:
        st.dataframe(_newton_table(steps), hide_index=True, width="stretch")
        if status.startswith("converged"):
            st.success(status, icon=":material/check_circle:")
        elif status.startswith("stopped"):
            st.warning(status, icon=":material/warning:")
        elif len(steps) >= _NEWTON_MAX_STEPS:
            st.warning(f"{_NEWTON_MAX_STEPS} steps without converging: Newton's method may be "
                       f"cycling or diverging here. Try another start.",
                       icon=":material/warning:")
        else:
            st.info(f"{len(steps)} step(s) so far. Press **Newton step** for the next one.")


def _newton_table(steps):
    """One row per iterate, x with all 16 digits, to watch the correct ones double each step.

    The newest iterate (where the next step will start) ends the table, its f not yet computed.
    """
    rows = [{"n": index, "xₙ": f"{step.x:.16g}", "f(xₙ)": f"{step.value:.3g}",
             "f′(xₙ) from ε": figures.number(step.slope)} for index, step in enumerate(steps)]
    if steps and steps[-1].next_x is not None:
        rows.append({"n": len(steps), "xₙ": f"{steps[-1].next_x:.16g}", "f(xₙ)": "…",
                     "f′(xₙ) from ε": "…"})
    return pd.DataFrame(rows)


# -- 6. Jacobians ----------------------------------------------------------------------------------

_JACOBIAN_DEFAULT = "x1*x2 + sin(x3)\nx1**2 - x2*x3"
_MAX_COMPONENTS = 6


def jacobians() -> None:
    st.markdown(
        "For $F:\\mathbb{R}^n\\to\\mathbb{R}^m$ a forward sweep seeded with $\\dot x = e_j$ "
        "gives **column** $j$ of the Jacobian; a reverse sweep seeded with $\\bar y = e_i$ "
        "gives **row** $i$. So forward mode needs $n$ sweeps, reverse mode $m$: reverse wins "
        "when there are few outputs (a loss function has $m = 1$)."
    )
    names_column, formulas_column = st.columns([1, 3])
    with names_column:
        names_text = st.text_input("inputs", value="x1, x2, x3", key="ad_jac_inputs",
                                   max_chars=200,
                                   help="Comma-separated variable names, at most 8.")
    with formulas_column:
        formulas_text = st.text_area("components of F, one per line", value=_JACOBIAN_DEFAULT,
                                     key="ad_jac_formulas", height=110, help=GRAMMAR_HELP,
                                     max_chars=_MAX_COMPONENTS * (MAX_LENGTH + 1))
    try:
        expressions = _parse_components(names_text, formulas_text)
    except ExpressionError as refusal:
        st.error(str(refusal), icon=":material/error:")
        return
    variables = expressions[0].variables
    point_columns = st.columns(len(variables))
    point = {name: column.number_input(name, value=1.0 + 0.5 * index,
                                       key=f"ad_jac_point_{name}")
             for index, (name, column) in enumerate(zip(variables, point_columns, strict=True))}
    try:
        study = jacobian_study(expressions, point)
    except ExpressionError as trouble:
        st.error(str(trouble), icon=":material/error:")
        return
    n_inputs, n_outputs = len(variables), len(expressions)
    outputs = [f"F{index + 1}" for index in range(n_outputs)]
    forward_column, reverse_column = st.columns(2)
    with forward_column:
        done = st.slider("forward sweeps done", 0, n_inputs, n_inputs, key="ad_jac_forward")
        known = np.zeros((n_outputs, n_inputs), bool)
        known[:, :done] = True
        latest = np.zeros_like(known)
        if done:
            latest[:, done - 1] = True
        _plotly(figures.jacobian_figure(study.by_columns, known, latest, outputs, variables,
                                        f"Forward mode: {done} of {n_inputs} sweeps"),
                key="ad_jac_forward_chart")
    with reverse_column:
        done = st.slider("reverse sweeps done", 0, n_outputs, n_outputs, key="ad_jac_reverse")
        known = np.zeros((n_outputs, n_inputs), bool)
        known[:done, :] = True
        latest = np.zeros_like(known)
        if done:
            latest[done - 1, :] = True
        _plotly(figures.jacobian_figure(study.by_rows, known, latest, outputs, variables,
                                        f"Reverse mode: {done} of {n_outputs} sweeps"),
                key="ad_jac_reverse_chart")
    st.dataframe(pd.DataFrame([
        {"mode": "forward", "one sweep gives": "one column (∂F/∂xⱼ)",
         "sweeps for the whole Jacobian": n_inputs},
        {"mode": "reverse", "one sweep gives": "one row (∇Fᵢ)",
         "sweeps for the whole Jacobian": n_outputs},
    ]), hide_index=True, width="stretch")
    difference = float(max(np.abs(study.by_columns - study.by_rows).max(),
                           np.abs(study.by_vector_duals - study.by_rows).max()))
    winner = ("reverse" if n_outputs < n_inputs else "forward" if n_inputs < n_outputs
              else "either")
    st.markdown(f"Both modes give the same Jacobian (largest difference "
                f"{figures.number(difference)}, also against one pass of vector dual numbers "
                f"with {n_inputs} ε parts, which carries all columns at once for {n_inputs}× the "
                f"work). With n = {n_inputs} inputs and m = {n_outputs} outputs, **{winner} "
                f"mode** needs fewer sweeps.")


def _parse_components(names_text: str, formulas_text: str) -> list[Expression]:
    parse_expression("0", names_text)  # the input names first, so that their errors say so
    lines = [line.strip() for line in formulas_text.splitlines() if line.strip()]
    if not lines:
        raise ExpressionError("Type at least one component of F, one formula per line.")
    if len(lines) > _MAX_COMPONENTS:
        raise ExpressionError(f"At most {_MAX_COMPONENTS} components, got {len(lines)}.")
    expressions = []
    for index, line in enumerate(lines, start=1):
        try:
            expressions.append(parse_expression(line, names_text))
        except ExpressionError as refusal:
            raise ExpressionError(f"Component F{index}: {refusal}") from None
    return expressions


# -- 7. gradient ascent against EM -----------------------------------------------------------------

_LEARNING_RATES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
_TWO_D_PRESETS = tuple(key for key, info in PRESETS.items() if info.n_features == 2)
_SHARED_VARIANCE = "σ² I (means-only model)"
_START_COVARIANCES = (_SHARED_VARIANCE, "full", "diag", "tied")


def _start(X: np.ndarray, n_components: int, covariances: str, seed: int):
    """The common start: K data points as means; the covariances are held fixed by both methods.

    The means-only model takes σ² = (average variance of the data) / K², about the size of one
    cluster when K clusters share the data's spread; the others take the data's covariance.
    """
    means = initial_params(X, n_components, "spherical", "random-points", seed=seed).means
    if covariances == _SHARED_VARIANCE:
        return means_only_params(means, float(X.var(axis=0).mean()) / n_components**2)
    start = initial_params(X, n_components, covariances, "random-points", seed=seed)
    return start


@st.cache_data(max_entries=64, show_spinner=False)
def _race(dataset: str, n_components: int, covariances: str, seed: int,
          learning_rate: float, n_iterations: int, means_only: bool) -> dict:
    """Everything section 7 shows, for one choice of its controls (cached: shared by viewers)."""
    data = load_preset(dataset, seed=seed)
    X = data.X
    start = _start(X, n_components, covariances, seed)
    _total, forward = mean_gradient_forward(X, start)
    _total, reverse = mean_gradient_reverse(X, start)
    _total, closed = closed_form_mean_gradient(X, start)
    ascent = gradient_ascent(X, start, learning_rate, n_iterations)
    frozen = frozenset({"weights", "covariances"}) if means_only else frozenset()
    run = EMRun(X, start, frozen=frozen, tol=0.0, max_iter=n_iterations)
    run.run_to_convergence()
    em_entries = [entry for entry in run.history if entry.kind in ("start", "M")]
    return {
        "X": X, "feature_names": data.feature_names, "start": start,
        "forward": forward, "reverse": reverse, "closed": closed, "ascent": ascent,
        "em_log_likelihoods": np.array([entry.log_likelihood for entry in em_entries]),
        "em_means": np.array([entry.params.means for entry in em_entries]),
        "em_status": run.status,
    }


def gradient_against_em() -> None:
    st.markdown(
        "The log-likelihood $\\ell(\\mu) = \\sum_i \\log \\sum_k \\pi_k\\, "
        "\\mathcal N(x_i \\mid \\mu_k, \\Sigma_k)$ is a program like any other: this AD "
        "gives its gradient in the means, and **gradient ascent** climbs it. **EM** climbs the "
        "same likelihood from the same start, with no learning rate."
    )
    controls = st.columns(4)
    dataset = controls[0].selectbox("data set", _TWO_D_PRESETS,
                                    index=_TWO_D_PRESETS.index("tutorial-2d"),
                                    format_func=lambda key: PRESETS[key].title, key="ad_em_data")
    n_components = controls[1].slider("components K", 1, 6, 3, key="ad_em_k")
    covariances = controls[2].selectbox(
        "covariances (held fixed)", _START_COVARIANCES, key="ad_em_cov",
        help="Gradient ascent moves only the means. σ² I is the means-only model with "
             "σ² = (data variance) / K²; the other choices start every component from the "
             "data's covariance.")
    seed = controls[3].number_input("seed of the start", 0, 10_000, 0, key="ad_em_seed")
    controls = st.columns([2, 2, 3])
    learning_rate = controls[0].select_slider("learning rate η", _LEARNING_RATES, value=10.0,
                                              key="ad_em_rate")
    n_iterations = controls[1].slider("iterations", 5, 100, 30, key="ad_em_iterations")
    means_only = controls[2].checkbox(
        "EM moves only the means, like gradient ascent", value=True, key="ad_em_means_only",
        help="Checked: EM's M-step keeps the weights and covariances of the start. Unchecked: "
             "EM re-estimates them too and can climb higher than any change of the means.")
    try:
        race = _race(dataset, n_components, covariances, int(seed), float(learning_rate),
                     n_iterations, means_only)
    except ValueError as trouble:  # e.g. more components than points
        st.error(f"This start cannot be used: {trouble}", icon=":material/error:")
        return
    ascent = race["ascent"]
    if ascent.stopped:
        st.warning(f"Gradient ascent stopped after {len(ascent.log_likelihoods) - 1} "
                   f"iterations: {ascent.stopped}.", icon=":material/warning:")
    chart_column, paths_column = st.columns(2)
    n_points = race["X"].shape[0]
    with chart_column:
        _plotly(figures.likelihood_race_figure(race["em_log_likelihoods"],
                                               ascent.log_likelihoods, n_points, learning_rate),
                key="ad_em_race_chart")
    with paths_column:
        start = race["start"]
        ellipses = [ellipse_outline(mean, covariance, 2.0)
                    for mean, covariance in zip(start.means, full_covariances(start),
                                                strict=True)]
        _plotly(figures.mean_paths_figure(race["X"], race["em_means"], ascent.means, ellipses,
                                          race["feature_names"]), key="ad_em_paths_chart")
    st.caption(
        "Gradient ascent moves every mean by η·(1/N)·∂ℓ/∂μ_k: too small an η crawls, too large "
        "an η overshoots. EM's M-step for the means, μ_k = Σ_i r_ik x_i / Σ_i r_ik, is the "
        "gradient step with the step size Σ_k / N_k built in: no learning rate to tune."
    )
    st.markdown("**Is the AD gradient right?** At the start, forward mode (one vectorised pass "
                "with one ε part per mean coordinate) and reverse mode (one sweep) against the "
                "textbook formula")
    st.latex(r"\frac{\partial \ell}{\partial \mu_k} = \sum_i r_{ik}\, "
             r"\Sigma_k^{-1}(x_i - \mu_k)")
    st.dataframe(_gradient_table(race), hide_index=True, width="stretch")
    worst = max(np.abs(race["forward"] - race["closed"]).max(),
                np.abs(race["reverse"] - race["closed"]).max())
    scale = np.abs(race["closed"]).max()
    st.markdown(f"Largest difference from the closed form: {figures.number(worst)} "
                f"(relative {figures.number(worst / scale if scale else 0.0)}).")


def _gradient_table(race: dict):
    rows = []
    for k in range(race["closed"].shape[0]):
        row = {"component": k + 1}
        for method, key in (("forward AD (vector duals)", "forward"),
                            ("reverse AD (one sweep)", "reverse"),
                            ("closed form Σᵢ rᵢₖ Σₖ⁻¹(xᵢ − μₖ)", "closed")):
            row[method] = "(" + ", ".join(f"{v:.10g}" for v in race[key][k]) + ")"
        rows.append(row)
    return pd.DataFrame(rows)
