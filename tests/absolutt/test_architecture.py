"""The house has a direction: import-linter's contracts (pyproject.toml) hold, and no module dodges them with
an import inside a function."""

import ast
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent.parent
APPS = ["absolutt", "programmes", "municipalities", "sessions_app", "interwork", "progress"]


def test_import_contracts_are_kept():
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
                            cwd=BASE, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def imports_inside_functions():
    """Imports of another of the project's apps made inside a function or class body."""
    found = []
    for app in APPS:
        for path in (BASE / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            own = path.relative_to(BASE).parts[0] if app != "absolutt" else ".".join(path.relative_to(BASE).parts[:2])
            for node in ast.walk(tree):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for sub in ast.walk(node):
                    if isinstance(sub, ast.ImportFrom) and sub.level == 0 and sub.module:
                        names = [sub.module]
                    elif isinstance(sub, ast.Import):
                        names = [alias.name for alias in sub.names]
                    else:
                        continue
                    for name in names:
                        if name.split(".")[0] in APPS and not name.startswith(own.replace("/", ".")):
                            found.append(f"{path.relative_to(BASE)}:{sub.lineno}: {name}")
    return found


def test_no_cross_app_imports_inside_functions():
    assert imports_inside_functions() == []
