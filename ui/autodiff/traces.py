"""The evaluation trace as tables and as Graphviz graphs, numbered as in the lecture: the inputs
are w1 … wn (``w1 = x1``), the steps follow (pure: no Streamlit).

Every name and definition here is written by the app from a parsed formula; the graph's labels
are escaped for Graphviz's HTML by ``gmm_core.autodiff.graph``.
"""

from __future__ import annotations

import pandas as pd

from gmm_core.autodiff.graph import expression_dot
from gmm_core.autodiff.program import Program
from gmm_core.autodiff.rules import adjoint_rule, barred, dotted, tangent_text, trace_names
from gmm_core.autodiff.sweeps import ForwardSweep, ReverseSweep
from ui.kit.text import number


def forward_table(expression: Program, sweep: ForwardSweep) -> pd.DataFrame:
    """The evaluation trace with primal and tangent columns, inputs first (one row per step)."""
    names = trace_names(expression)
    rows = []
    for name in expression.variables:
        step = expression.input_step(name)
        rows.append({"step": step, "definition": f"{step} = {name} (input)",
                     "value": number(sweep.point[name]),
                     "tangent rule": f"{dotted(step)} = {dotted(name)} (seed)",
                     "tangent": number(sweep.input_tangents[name])})
    for instruction, value, tangent in zip(expression.instructions, sweep.values,
                                           sweep.tangents, strict=True):
        rows.append({
            "step": instruction.name,
            "definition": f"{instruction.name} = {instruction.definition(names)}",
            "value": number(value),
            "tangent rule": f"{dotted(instruction.name)} = "
                            f"{tangent_text(instruction, name_of=names)}",
            "tangent": number(tangent),
        })
    return pd.DataFrame(rows)


def reverse_table(expression: Program, sweep: ReverseSweep) -> pd.DataFrame:
    """The adjoint sweep, output first: each adjoint, the rule that accumulates it, its value."""
    names = trace_names(expression)
    rows = []
    for instruction, value, adjoint in reversed(list(zip(
            expression.instructions, sweep.values, sweep.adjoints, strict=True))):
        rule = adjoint_rule(expression, instruction.name, name_of=names)
        shown = "1   (seed: ∂f/∂f)" if rule == "1" else rule
        rows.append({"adjoint of": instruction.name, "value": number(value),
                     "rule": f"{barred(instruction.name)} = {shown}",
                     "adjoint": number(adjoint)})
    for name in expression.variables:
        step = expression.input_step(name)
        rule = adjoint_rule(expression, name, name_of=names)
        shown = f"1   (seed: f = {name})" if rule == "1" and not expression.instructions else rule
        rows.append({"adjoint of": f"{step} = {name}", "value": number(sweep.point[name]),
                     "rule": f"{barred(step)} = {shown}   (= ∂f/∂{name})",
                     "adjoint": number(sweep.gradient[name])})
    return pd.DataFrame(rows)


def forward_graph(expression: Program, sweep: ForwardSweep) -> str:
    """DOT of the graph with every node's value and tangent."""
    notes = {name: f"value {number(sweep.point[name])}\n"
                   f"{dotted(expression.input_step(name))} = "
                   f"{number(sweep.input_tangents[name])}"
             for name in expression.used_variables}
    for instruction, value, tangent in zip(expression.instructions, sweep.values,
                                           sweep.tangents, strict=True):
        notes[instruction.name] = (f"value {number(value)}\n"
                                   f"{dotted(instruction.name)} = {number(tangent)}")
    return expression_dot(expression, node_notes=notes)


def reverse_graph(expression: Program, sweep: ReverseSweep) -> str:
    """DOT of the graph with every node's value and adjoint; edges carry the local partials."""
    notes = {name: f"value {number(sweep.point[name])}\n"
                   f"{barred(expression.input_step(name))} = {number(sweep.gradient[name])}"
             for name in expression.used_variables}
    edges = {}
    for instruction, value, adjoint in zip(expression.instructions, sweep.values,
                                           sweep.adjoints, strict=True):
        notes[instruction.name] = (f"value {number(value)}\n"
                                   f"{barred(instruction.name)} = {number(adjoint)}")
        for position, arg in enumerate(instruction.args):
            if (instruction.index, position) in sweep.partials:
                partial = sweep.partials[(instruction.index, position)]
                edges[(arg.name, instruction.name)] = f"∂ {float(partial):.4g}"
    return expression_dot(expression, node_notes=notes, edge_notes=edges)
