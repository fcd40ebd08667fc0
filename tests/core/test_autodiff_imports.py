"""The structure of gmm_core.autodiff: its modules import each other as a DAG, at the top of the
module only (no lazy imports), and no private name crosses a module boundary."""

import ast
import importlib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import gmm_core.autodiff

PACKAGE = "gmm_core.autodiff"
PACKAGE_DIR = Path(gmm_core.autodiff.__file__).parent
MODULES = sorted(path.stem for path in PACKAGE_DIR.glob("*.py") if path.stem != "__init__")


def _tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8"))


def _package_imports(node: ast.AST) -> list[ast.ImportFrom | ast.Import]:
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.ImportFrom) and (child.module or "").startswith(PACKAGE):
            found.append(child)
        elif isinstance(child, ast.Import) and any(a.name.startswith(PACKAGE) for a in child.names):
            found.append(child)
    return found


def test_the_modules_import_each_other_as_a_dag():
    graph = {}
    for module in MODULES:
        imported = set()
        for node in _package_imports(_tree(module)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [
                a.name for a in node.names]
            imported |= {name.removeprefix(PACKAGE + ".") for name in names}
        graph[module] = imported - {module}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        pytest.fail(f"import cycle: {cycle.args[1]}")
    assert order.index("program") < order.index("expression")
    assert "expression" not in graph["program"] | graph["sweeps"] | graph["rules"]


@pytest.mark.parametrize("module", MODULES)
def test_package_imports_are_at_the_top_of_the_module(module):
    tree = _tree(module)
    top_level = {id(node) for node in tree.body}
    lazy = [node.lineno for node in _package_imports(tree) if id(node) not in top_level]
    assert not lazy, f"{module}.py imports inside a function at lines {lazy}"


@pytest.mark.parametrize("module", MODULES)
def test_no_private_name_is_imported_across_modules(module):
    private = [alias.name for node in _package_imports(_tree(module))
               if isinstance(node, ast.ImportFrom) for alias in node.names
               if alias.name.startswith("_")]
    assert not private, f"{module}.py imports private names {private}"


def test_the_public_api_of_the_design_notes():
    for name in ("Dual", "parse_expression", "Expression", "ExpressionError"):
        assert name in gmm_core.autodiff.__all__
        assert getattr(gmm_core.autodiff, name) is not None
    assert issubclass(gmm_core.autodiff.ExpressionError, ValueError)
    expression = gmm_core.autodiff.parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])
    assert expression.evaluate({"x1": 0.0, "x2": 4.0}) == 0.0
    every_module = [importlib.import_module(f"{PACKAGE}.{m}") for m in MODULES]
    assert all(hasattr(m, "__all__") for m in every_module)
