"""The stubs are right: a typed program passes `mypy --strict` and runs, and `mypy.stubtest`
finds the stubs and the native module in agreement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typing_usage

HERE = Path(__file__).resolve().parent


def test_the_typed_usage_runs() -> None:
    typing_usage.main()


def test_mypy_strict_accepts_the_usage() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HERE / "typing_usage.py")],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_stubtest_agrees_with_the_native_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "causeway"],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    assert out.returncode == 0, out.stdout + out.stderr
