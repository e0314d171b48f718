"""The layers: the core and the application layer never import the UI toolkit, and every
part of kino is in the import contract (``[tool.importlinter]`` in pyproject.toml, which
``lint-imports`` checks in CI)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import kino_tui

ROOT = Path(__file__).parents[1]
#: The layers without a UI toolkit: every module of them, found in the package tree.
HEADLESS = ("kino_tui.core", "kino_tui.service", "kino_tui.config")


def _modules(package: str) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    return [package] + [
        info.name for info in pkgutil.walk_packages(module.__path__, f"{package}.")
    ]


def test_core_and_service_do_not_import_textual_or_rich() -> None:
    modules = [name for package in HEADLESS for name in _modules(package)]
    assert len(modules) > 60  # the whole tree, not a few chosen modules
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert output == "[]"


def test_every_top_level_part_is_in_the_import_contract() -> None:
    """A new package or module at the top of kino_tui must be placed in a layer."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = {
        part.strip()
        for contract in config["contracts"]
        for layer in contract["layers"]
        for part in layer.replace("|", ":").split(":")
    }
    top = {f"kino_tui.{info.name}" for info in pkgutil.iter_modules(kino_tui.__path__)}
    assert top - {"kino_tui.__init__"} <= layers, sorted(top - layers)


def test_the_contract_holds() -> None:
    """lint-imports itself (as CI runs it): no lower layer imports a higher one."""
    tool = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(tool)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 kept, 0 broken" in result.stdout
