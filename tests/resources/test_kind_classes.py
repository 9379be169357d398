"""Kinds are classes (DESIGN.md, issue 13 item 6): what differs between resource kinds lives on one
class per kind in resources/kinds_registry.py, not in `if kind == …` chains across files."""

import ast
from pathlib import Path

from resources.kinds import KIND_FORMS
from resources.kinds_registry import KIND_CLASSES, kind_class
from resources.models import ResourceKind

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "tests", "node_modules", "var", "migrations", ".git"}
# Demo data creates resources of a named kind; the kinds modules own the kinds.
SKIPPED_FILES = ("resources/kinds", "govplatform/demo_", "demo/", "benchmarks/")
# No branch remains: resources/asset_actions.py's _asset_kind returns the kind a file's type
# belongs to, which names kinds without comparing them.
ALLOWED = 0


def _names_a_kind(node) -> bool:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ResourceKind":
        return node.attr.isupper()
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_kind(element) for element in node.elts)
    return False


def kind_branches() -> list[str]:
    """`x == ResourceKind.X`, `x in (ResourceKind.X, …)`, `x is ResourceKind.X` and dict literals
    keyed by kind, outside the kinds modules, demo code and tests."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if set(path.relative_to(ROOT).parts) & SKIPPED_DIRS or relative.startswith(SKIPPED_FILES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(_names_a_kind(n) for n in [node.left, *node.comparators]):
                found.append(f"{relative}:{node.lineno}")
            elif isinstance(node, ast.Dict) and any(key is not None and _names_a_kind(key) for key in node.keys):
                found.append(f"{relative}:{node.lineno}")
            elif isinstance(node, ast.Set) and _names_a_kind(node):
                found.append(f"{relative}:{node.lineno}")
    return found


def test_kind_branches_live_on_the_kind_classes():
    branches = kind_branches()
    assert len(branches) <= ALLOWED, branches


def test_every_kind_has_one_class_with_its_form():
    assert set(KIND_CLASSES) == set(ResourceKind.values)
    for kind in ResourceKind.values:
        assert kind_class(kind).kind == kind
        assert kind_class(kind).form is KIND_FORMS[kind]
