"""Test modules share helpers, never each other: no ``test_*.py`` under ``abierta/`` imports another.

What several test modules use lives in a helper module of the app's tests package (``factories.py``,
``schemas.py``, ...) or in its ``conftest.py``; importing a test module ties one module's tests to
another's (and its module-level skips with them). No helper imports a test module either, nor does any
other module: the check reads every module under ``abierta/``. Which app's helpers a test may use is the layering
test's business (``test_layers.py``): a test imports its own app's helpers or a lower app's.
Every import counts, as there: at module level, inside a function and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def _imported_names(tree: ast.Module, package: tuple[str, ...]) -> list[tuple[str, int]]:
    """(dotted name, line) of everything the module imports, relative imports resolved.

    ``package`` is the dotted package of the module, ``("abierta", "works", "tests")``. For
    ``from m import a`` the name is ``m.a``: ``a`` may be a submodule.
    """
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = [*package[: len(package) - (node.level - 1)]] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _violations(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).parts
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, line in sorted(_imported_names(tree, rel[:-1]), key=lambda found: found[1]):
            if any(part.startswith("test_") for part in name.split(".")):
                problems.append(f"{'/'.join(rel)}:{line}: imports {name} from a test module")
    return problems


def test_no_test_module_imports_another() -> None:
    problems = _violations(PACKAGE)
    assert not problems, "\n".join(problems)


def test_the_check_sees_each_kind_of_import(tmp_path: Path) -> None:
    """Control: imports of a test module are found absolute, relative, lazy and typing-only; helpers pass."""
    # A helper importing a test module is refused too: a test would reach the other module through it.
    tests = tmp_path / "abierta" / "works" / "tests"
    tests.mkdir(parents=True)
    (tests / "factories.py").write_text("from abierta.works.tests.test_report import photo\n")
    (tests / "test_report.py").write_text(
        "from abierta.works.tests.factories import make_work\nfrom factories import PERSONAS\n"
    )
    (tests / "test_staff.py").write_text(
        "from abierta.works.tests.test_report import photo\n"
        "from .test_report import photo\n"
        "def f():\n    from abierta.works.tests import test_report\n"
        "if TYPE_CHECKING:\n    import abierta.contracting.tests.test_publish\n"
        "from . import factories\n"
    )
    assert _violations(tmp_path / "abierta") == [
        "abierta/works/tests/factories.py:1: imports abierta.works.tests.test_report.photo from a test module",
        "abierta/works/tests/test_staff.py:1: imports abierta.works.tests.test_report.photo from a test module",
        "abierta/works/tests/test_staff.py:2: imports abierta.works.tests.test_report.photo from a test module",
        "abierta/works/tests/test_staff.py:4: imports abierta.works.tests.test_report from a test module",
        "abierta/works/tests/test_staff.py:6: imports abierta.contracting.tests.test_publish from a test module",
    ]
