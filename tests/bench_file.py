"""A small file made by the benchmark's generator, shared by the tests that need a register at scale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

GENERATE = Path(__file__).parent.parent / "benchmarks" / "generate.py"
TODAY = "2030-01-01"  # after every generated event


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make(path: Path, clients: int) -> Path:
    generator().generate(clients, path, None)
    return path
