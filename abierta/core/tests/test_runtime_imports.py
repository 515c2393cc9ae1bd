"""The product runs with its runtime dependencies only (`make run` installs no dev tools).

A module outside the tests that imports a development-only package at run time works in CI and
breaks `make run` on a fresh machine: this test reads every module's imports and says which.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
DEV_ONLY = {"django_stubs_ext", "mypy", "pytest", "hypothesis", "playwright", "schemathesis", "pyld", "ruff", "polib"}


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Top-level module names imported outside ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return found


def test_no_module_of_the_product_imports_a_development_tool() -> None:
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        bad = _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))) & DEV_ONLY
        if bad:
            offenders[str(path.relative_to(PACKAGE.parent))] = sorted(bad)
    assert not offenders, offenders


def test_the_check_sees_an_import_outside_type_checking() -> None:
    tree = ast.parse("import pytest\nif TYPE_CHECKING:\n    import mypy\ndef f():\n    import hypothesis\n")
    assert _runtime_imports(tree) == {"pytest", "hypothesis"}
