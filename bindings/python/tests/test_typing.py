"""The public API is typed: an example that uses every public name passes `mypy --strict`, and it
runs against the emulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import b24kit
from conftest import Portal

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "every_name.py"


def test_the_example_uses_every_public_name() -> None:
    text = EXAMPLE.read_text()
    missing = [name for name in b24kit.__all__ if name not in text]
    assert not missing, f"the example does not use: {missing}"


def test_mypy_strict_passes_on_the_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(EXAMPLE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_runs(portal: Portal) -> None:
    result = subprocess.run([sys.executable, str(EXAMPLE), portal.webhook_url, "2043"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "on: True" in result.stdout and "async: [True, True, True]" in result.stdout
