"""Apps below the output layer say what changed through the change feed (core.feed);
they never import the publisher's task queue or search (issue 13 item 4)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOWER_APPS = ("core", "accounts", "auditlog", "sites", "columns", "resources", "editorial")
FORBIDDEN = ("publishing.publish_tasks", "search")


def imported_modules(path: Path):
    """Every module an `import` or `from … import` names, at any depth of the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:  # `from publishing import publish_tasks`
                yield node.lineno, f"{node.module}.{alias.name}"


def forbidden(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_the_scan_sees_imports_at_any_depth(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from publishing import publish_tasks\n    import search.tasks\n")
    assert [n for _, n in imported_modules(sample) if forbidden(n, FORBIDDEN)] == [
        "publishing.publish_tasks",
        "search.tasks",
    ]


@pytest.mark.parametrize("app", LOWER_APPS)
def test_lower_apps_do_not_import_the_publish_queue_or_search(app):
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, name in imported_modules(path)
        if forbidden(name, FORBIDDEN)
    ]
    assert found == []


def test_the_feed_imports_no_app_above_it():
    above = (
        "accounts",
        "auditlog",
        "sites",
        "columns",
        "resources",
        "editorial",
        "publishing",
        "search",
        "govplatform",
    )
    found = [name for _, name in imported_modules(ROOT / "core" / "feed.py") if forbidden(name, above)]
    assert found == []
