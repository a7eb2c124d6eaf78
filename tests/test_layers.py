"""Layering is checked, not hoped for (STYLE 16): import-linter's contracts in pyproject.toml."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _lint(root: str) -> subprocess.CompletedProcess:
    # A process of its own: import-linter builds the import graph from the files, with the
    # checkout (not an installed copy) first on the path.
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"],
                          cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": root})


def test_import_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_policy_contract_catches_a_flask_import(tmp_path):
    """The check can fail: the same contracts on a copy whose policy imports Flask."""
    import shutil

    copy = tmp_path / "checkout"
    shutil.copytree(os.path.join(ROOT, "portal"), copy / "portal", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(ROOT, "pyproject.toml"), copy / "pyproject.toml")
    with open(copy / "portal" / "policy.py", "a", encoding="utf-8") as policy:
        policy.write("\nfrom flask import request  # noqa\n")
    result = _lint(str(copy))
    assert result.returncode != 0 and "The policy is pure" in result.stdout
