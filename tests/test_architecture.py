"""The checks of `make test` fail on a violation: import-linter's contracts, ruff and mypy.

`make check` (part of `make test`) runs the same three commands on the real tree. Here each is run on a
copy of the package with deliberate violations added, and must exit non-zero naming what is wrong; the
contracts are also run on the unchanged tree, which must keep them (so the broken run is not broken by
the copying itself).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYPROJECT = ROOT / "pyproject.toml"
CONTRACTS = {c["id"]: c["name"] for c in tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]}

# One deliberate violation per contract: (module to write in the copy, its source, the contract it breaks).
VIOLATIONS = [
    ("maatwerk/engine/leaky.py", "from django.db import models  # the engine must not know Django\n", "engine-pure"),
    ("maatwerk/core/leaky.py", "from maatwerk.finance import models  # core must not know an app\n", "core-below-apps"),
    ("maatwerk/registry/leaky.py", "from maatwerk.programme import services  # a lower layer importing a higher one\n", "app-layers"),
    ("maatwerk/accounts/leaky.py", "from maatwerk.trajectories import models  # siblings import neither\n", "app-layers"),
    ("maatwerk/config/leaky.py", "from maatwerk.core import views  # config imports core ...\n", "no-cycles"),
    ("maatwerk/core/leaky_back.py", "import maatwerk.config.leaky  # ... and core config: a cycle\n", "no-cycles"),
]


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (make install installs requirements-dev.lock)")
    return str(path)


def run(args: list[str], cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of src/ (the package only) with the project's configuration beside it."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "src" / "maatwerk", root / "src" / "maatwerk", ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    shutil.copy(PYPROJECT, root / "pyproject.toml")
    return root


def test_every_contract_has_a_deliberate_violation_here():
    assert {contract for _, _, contract in VIOLATIONS} == set(CONTRACTS)


def test_the_contracts_hold_on_the_real_tree():
    result = run([tool("lint-imports"), "--no-cache"], ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


def test_each_contract_fails_on_a_deliberate_violation(tree):
    for path, source, _ in VIOLATIONS:
        (tree / "src" / path).write_text(source)
    try:
        result = run([tool("lint-imports"), "--no-cache"], tree, tree / "src")
    finally:
        for path, _, _ in VIOLATIONS:
            (tree / "src" / path).unlink()
    out = " ".join(result.stdout.split())  # long contract names are wrapped in the output
    assert result.returncode != 0, out
    assert f"Contracts: 0 kept, {len(CONTRACTS)} broken." in out
    for contract, name in CONTRACTS.items():
        assert f"{name} BROKEN" in out, contract
    assert "maatwerk.engine.leaky -> django (l.1)" in out
    assert "maatwerk.core.leaky -> maatwerk.finance" in out
    assert "maatwerk.registry.leaky -> maatwerk.programme" in out
    assert "maatwerk.accounts.leaky -> maatwerk.trajectories" in out


def test_ruff_fails_on_a_bugbear_finding_and_an_unused_import(tree):
    bad = tree / "src" / "maatwerk" / "core" / "ruff_bad.py"
    bad.write_text("import os\n\n\ndef f(items=[]):\n    return items\n")
    try:
        result = run([tool("ruff"), "check", "--no-cache", "--config", str(tree / "pyproject.toml"), str(bad)], tree, tree / "src")
    finally:
        bad.unlink()
    assert result.returncode != 0, result.stdout
    assert "F401" in result.stdout and "B006" in result.stdout, result.stdout


def test_mypy_fails_on_an_unannotated_function_and_a_type_error_in_the_engine(tree):
    bad = tree / "src" / "maatwerk" / "engine" / "typed_bad.py"
    bad.write_text('def untyped(x):\n    return x\n\n\ndef wrong(n: int) -> str:\n    return n + 1\n')
    try:
        result = run([tool("mypy"), "--cache-dir", str(tree / ".mypy_cache"), str(bad)], tree, tree / "src")
    finally:
        bad.unlink()
    assert result.returncode != 0, result.stdout + result.stderr
    assert "no-untyped-def" in result.stdout and "return-value" in result.stdout, result.stdout
