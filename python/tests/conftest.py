"""Shared paths for the causeway Python tests."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "conformance-vectors"


def vector_cases() -> list[dict[str, Any]]:
    """Every case of every file in conformance-vectors/, the same files the Rust and C tests run."""
    cases: list[dict[str, Any]] = []
    for path in sorted(VECTORS.glob("*.json")):
        for case in json.loads(path.read_text()):
            case["file"] = path.name
            cases.append(case)
    return cases


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `causeway` command built by cargo (CAUSEWAY_CLI overrides)."""
    candidates = [os.environ.get("CAUSEWAY_CLI")]
    candidates += [str(ROOT / "target" / p / "causeway") for p in ("debug", "release")]
    candidates.append(shutil.which("causeway"))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise AssertionError("build the CLI first: cargo build -p causeway-cli (or set CAUSEWAY_CLI)")
