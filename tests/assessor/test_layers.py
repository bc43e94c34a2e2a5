"""The one direction of dependency, as far as import-linter cannot see it: imports hidden in function bodies."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("assessor", "surveys", "collectors", "reports", "community")


def _imported_app(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return node.module.split(".")[0]
    if isinstance(node, ast.Import):
        return node.names[0].name.split(".")[0]
    return None


def imports_inside_functions(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, imported app) of each import of another app written inside a function or method."""
    own_app = path.relative_to(root).parts[0]
    found = []
    for function in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            app = _imported_app(node)
            if app in APPS and app != own_app:
                found.append((node.lineno, app))
    return found


def test_no_app_imports_another_inside_a_function():
    hidden = {
        str(path.relative_to(ROOT)): found
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and (found := imports_inside_functions(path))
    }
    assert hidden == {}


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "assessor" / "probe.py"
    module.parent.mkdir()
    module.write_text("import reports\n\n\ndef f():\n    from reports.selectors import latest_scores\n    return latest_scores\n")
    assert imports_inside_functions(module, root=tmp_path) == [(5, "reports")]
