"""The computational graph of a formula as Graphviz DOT text (for ``st.graphviz_chart``).

Inputs on the left, the output on the right (double border); constants are small grey nodes.
Nodes are labelled with the trace's names, numbered as in the lecture (``w1 = x1``,
``w3 = w1 * w2``); their DOT identifiers are the variable names and the step names.
Each node and edge can carry a note (values, tangents, adjoints, local partials). The text is built
here directly: no graphviz package is needed, the browser renders DOT.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from gmm_core.autodiff.program import Program

__all__ = ["expression_dot"]

_INPUT_COLOUR = "#dbeafe"
_STEP_COLOUR = "#f8fafc"
_OUTPUT_COLOUR = "#fde68a"
_CONSTANT_COLOUR = "#e5e7eb"


def _label(title: str, definition: str, note: str) -> str:
    rows = [f"<B>{html.escape(title)}</B>"
            + (f" = {html.escape(definition)}" if definition else "")]
    rows += [f'<FONT POINT-SIZE="15" COLOR="#374151">{html.escape(line)}</FONT>'
             for line in note.splitlines() if line]
    return "<" + "<BR/>".join(rows) + ">"


def expression_dot(expression: Program, node_notes: Mapping[str, str] | None = None,
                   edge_notes: Mapping[tuple[str, str], str] | None = None,
                   highlight: str | None = None) -> str:
    """DOT source of the graph of ``expression``.

    ``node_notes``: node name (``"x1"``, ``"w3"``) -> extra text lines under the node's label;
    ``edge_notes``: ``(source name, target name)`` -> text on that edge;
    ``highlight``: a node name to colour (e.g. the step being discussed).
    """
    node_notes = node_notes or {}
    edge_notes = edge_notes or {}
    output_name = expression.output.name
    lines = [
        "digraph computational_graph {",
        '  rankdir=LR; bgcolor="transparent"; nodesep=0.35; ranksep=0.55;',
        '  node [fontname="Helvetica", fontsize=19, style="filled,rounded", shape=box, '
        'color="#475569", penwidth=1.4];',
        '  edge [fontname="Helvetica", fontsize=15, color="#64748b", arrowsize=0.8, '
        'fontcolor="#1e3a8a"];',
    ]
    for variable in expression.variables:
        if variable not in expression.used_variables:
            continue
        colour = _OUTPUT_COLOUR if variable == highlight else _INPUT_COLOUR
        peripheries = 2 if variable == output_name else 1
        title = expression.input_step(variable)
        lines.append(f'  "{variable}" [shape=ellipse, fillcolor="{colour}", '
                     f'peripheries={peripheries}, '
                     f'label={_label(title, variable, node_notes.get(variable, ""))}];')
    inputs = [f'"{v}"' for v in expression.variables if v in expression.used_variables]
    if len(inputs) > 1:
        # Inputs stacked in their declared order (x1 above x2) by invisible edges within a rank.
        lines.append(f"  {{ rank=same; {' -> '.join(inputs)} [style=invis]; }}")
    for instruction in expression.instructions:
        name = instruction.name
        is_output = name == output_name
        colour = _OUTPUT_COLOUR if (is_output or name == highlight) else _STEP_COLOUR
        note = node_notes.get(name, "")
        lines.append(f'  "{name}" [fillcolor="{colour}", peripheries={2 if is_output else 1}, '
                     f'label={_label(name, instruction.definition(expression.trace_name), note)}];')
        for position, arg in enumerate(instruction.args):
            if arg.is_constant:
                constant_id = f"const_{instruction.index}_{position}"
                lines.append(f'  "{constant_id}" [shape=plaintext, style=filled, fontsize=15, '
                             f'fillcolor="{_CONSTANT_COLOUR}", '
                             f'label="{html.escape(arg.text)}"];')
                lines.append(f'  "{constant_id}" -> "{name}" [style=dashed];')
                continue
            note = edge_notes.get((arg.name, name), "")
            label = f' [label="{html.escape(note)}"]' if note else ""
            lines.append(f'  "{arg.name}" -> "{name}"{label};')
    if expression.output.is_constant:
        lines.append(f'  "output" [fillcolor="{_OUTPUT_COLOUR}", peripheries=2, '
                     f'label="{html.escape(expression.output.text)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
