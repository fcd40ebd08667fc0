""""The same in scikit-learn": a complete Python script that reproduces the view on screen with
``sklearn.mixture.GaussianMixture`` (issue #12, section 6).

Same data, same start (weights_init, means_init, precisions_init), covariance_type, reg_covar
and tol; ``max_iter`` = the view's completed EM iterations, so scikit-learn stops where the page
is. It prints the weights π_k, the means μ_k and the total log-likelihood ℓ, as the page shows
them. Views before the first M-step (the start, the first E-step) show the start's parameters:
scikit-learn cannot stop before an M-step, so the script runs one iteration and reads the start's
log-likelihood from ``lower_bound_``, which scikit-learn computes *before* its last M-step.
"""

from __future__ import annotations

import math

from ui.exports.code import comment, data_source, gaussian_mixture_code, start_code
from ui.exports.view import KIND_NAMES, ExportView, link_text

# What the script prints, one line per component then the log-likelihood; tests read it back.
COMPONENT_LINE = "component {k}: π_{k} = {weight}, μ_{k} = ({mean})"
LOG_LIKELIHOOD_PREFIX = "log-likelihood ℓ = "


def view_summary(view: ExportView) -> str:
    """"Half-step 12 (M-step, after 6 EM iterations)" for the view on screen."""
    entry = view.entry
    iterations = f"{entry.iteration} EM iteration{'s' if entry.iteration != 1 else ''}"
    return f"Half-step {view.index} ({KIND_NAMES[entry.kind]}, after {iterations})"


def _parameters_code(view: ExportView) -> str:
    """Code that sets ``weights``, ``means`` and ``log_likelihood`` to what the page shows."""
    entry = view.entry
    if entry.iteration == 0:
        return (
            "# This view comes before the first M-step, so its parameters are the start itself.\n"
            "# scikit-learn cannot stop before an M-step: the fit above ran one EM iteration,\n"
            "# and its lower_bound_ is the log-likelihood per point of the parameters *before*\n"
            "# that M-step, which is the start's.\n"
            "weights, means = weights_init, means_init\n"
            "log_likelihood = gm.lower_bound_ * len(X)\n"
        )
    code = ""
    if entry.kind == "E":
        code += ("# An E-step does not move the components: the page shows the parameters of "
                 "the M-step\n# before it, and gm.predict_proba(X) gives the responsibilities "
                 "r_ik this E-step computed.\n")
    return code + (
        "weights, means = gm.weights_, gm.means_\n"
        "# score(X) is the mean log-likelihood per point; the page shows the total over the N\n"
        "# points, ℓ = N × score.\n"
        "log_likelihood = gm.score(X) * len(X)\n"
    )


def sklearn_script(view: ExportView) -> str:
    """The script's text (UTF-8 Python source)."""
    source = data_source(view)
    entry = view.entry
    fit_iterations = max(entry.iteration, 1)
    needs_file = (f"\nNeeds the file {source.file_name} (the page's \"Data as CSV\" download) in "
                  "the folder you run it from.\n" if source.file_name else "")
    imports = "\n".join(["import warnings", "", "import numpy as np",
                         *sorted({*source.imports, "from sklearn.mixture import GaussianMixture",
                                  "from sklearn.exceptions import ConvergenceWarning"})])
    fit = (
        "with warnings.catch_warnings():\n"
        "    # Stopping at max_iter is the point here (we stop where the page is): not a failure.\n"
        "    warnings.simplefilter(\"ignore\", ConvergenceWarning)\n"
        "    gm.fit(X)\n"
    )
    if math.isinf(entry.log_likelihood) or entry.collapse is not None:
        fit = (
            "# At this half-step a component has collapsed onto a point (reg_covar too small):\n"
            "# scikit-learn refuses such a fit with a ValueError, which is its way of saying it.\n"
            + fit
        )
    printing = (
        f"print({view_summary(view)!r})\n"
        "for k in range(len(weights)):\n"
        "    mean = \", \".join(f\"{value:.12g}\" for value in means[k])\n"
        "    print(f\"component {k + 1}: π_{k + 1} = {weights[k]:.12g}, "
        "μ_{k + 1} = ({mean})\")\n"
        f"print(f\"{LOG_LIKELIHOOD_PREFIX}{{log_likelihood:.12g}} (the total over the "
        f"N = {{len(X)}} points)\")\n"
    )
    return (
        f'"""The same in scikit-learn: {view_summary(view)} of the app\'s view\n'
        f"    {link_text(view)}\n\n"
        "sklearn.mixture.GaussianMixture with the same data, the same start (weights_init,\n"
        "means_init, precisions_init), covariance_type, reg_covar and tol, and max_iter set to\n"
        "the view's EM iterations so that scikit-learn stops where the page is. It prints the\n"
        "weights π_k, the means μ_k and the log-likelihood ℓ shown on the page.\n"
        f"{needs_file}"
        '"""\n\n'
        f"{imports}\n\n"
        f"# --- The data.\n{comment(source.description)}{source.code}\n"
        f"# --- The start.\n{start_code(view)}\n"
        f"# --- EM: {fit_iterations} iteration(s) from that start.\n"
        f"{gaussian_mixture_code(view, max_iter=fit_iterations, tol=view.tol)}"
        f"{fit}\n"
        f"{_parameters_code(view)}\n"
        f"{printing}"
    )
