"""The house keeps its shape: every import between the apps of ``abierta/`` goes down the layers.

The layers, lowest first, are named in docs/architecture.md. A module may import from its own app and
from apps of lower layers only; apps of one layer do not import each other. Every import counts: at
module level, inside a function (a lazy import hides a cycle, it does not remove it) and under
``if TYPE_CHECKING:``. Migrations are left out (they name other apps' models by string), and so are
imports of modules outside the ``abierta`` package (the root ``factories.py`` of the tests).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Lowest first. The project modules (``abierta/api.py``, ``urls.py``, ...) sit on top of everything.
LAYERS: list[set[str]] = [
    {"core"},
    {"accounts"},
    {"datos", "complaints"},
    {"plans", "contracting"},
    {"participation", "development", "procurement", "works"},
    {"site"},
    {"api"},
    {"urls", "wsgi", "manage", "settings", "__init__"},
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _unit(parts: tuple[str, ...]) -> str:
    """The app (or project module) a module path under ``abierta/`` belongs to."""
    first = parts[0]
    return first[:-3] if first.endswith(".py") else first


def _imported_units(tree: ast.Module, package: tuple[str, ...]) -> set[tuple[str, int]]:
    """(app, line) for every import of ``abierta.<app>`` anywhere in the module, relative ones resolved.

    ``package`` is the dotted package of the module, below ``abierta`` (``("works", "tests")``).
    """
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = ["abierta", *package]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
                names = [f"{module}.{alias.name}" for alias in node.names] if node.module is None else [module]
            elif node.module:
                names = [node.module]
                if node.module == "abierta":
                    names = [f"abierta.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "abierta" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def _violations(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).parts
        if "migrations" in rel:
            continue
        unit = _unit(rel)
        if unit not in LAYER_OF:
            if path.parent == root or (root / unit / "apps.py").exists():
                problems.append(f"abierta/{'/'.join(rel)}: '{unit}' has no layer in LAYERS (see docs/architecture.md)")
            continue
        package = rel[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, line in sorted(_imported_units(tree, package)):
            if target == unit or target not in LAYER_OF:
                continue
            if LAYER_OF[target] >= LAYER_OF[unit]:
                how = "the same layer" if LAYER_OF[target] == LAYER_OF[unit] else "a higher layer"
                problems.append(f"abierta/{'/'.join(rel)}:{line}: {unit} imports {target}, {how}")
    return problems


def test_every_import_goes_down_the_layers() -> None:
    problems = _violations(PACKAGE)
    assert not problems, "\n".join(problems)


def test_every_app_has_a_layer() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(LAYER_OF), sorted(apps - set(LAYER_OF))


def test_the_check_sees_each_kind_of_import(tmp_path: Path) -> None:
    """Control: the reader finds upward imports at module level, lazy, relative and typing-only."""
    root = tmp_path / "abierta"
    for app in ("core", "plans", "works"):
        (root / app).mkdir(parents=True)
        (root / app / "apps.py").write_text("")
    (root / "core" / "views.py").write_text("from abierta.plans.models import ActionPlan\n")
    (root / "plans" / "services.py").write_text("def f():\n    from abierta.works import models\n")
    (root / "plans" / "forms.py").write_text("if TYPE_CHECKING:\n    import abierta.works.models\n")
    (root / "works" / "views.py").write_text("from ..plans import models\nfrom abierta.core import cache\n")
    (root / "core" / "migrations").mkdir()
    (root / "core" / "migrations" / "0001.py").write_text("from abierta.plans import x\n")
    problems = _violations(root)
    assert problems == [
        "abierta/core/views.py:1: core imports plans, a higher layer",
        "abierta/plans/forms.py:2: plans imports works, a higher layer",
        "abierta/plans/services.py:2: plans imports works, a higher layer",
    ]
    (root / "gadgets").mkdir()
    (root / "gadgets" / "apps.py").write_text("")
    assert "abierta/gadgets/apps.py: 'gadgets' has no layer in LAYERS (see docs/architecture.md)" in _violations(root)
