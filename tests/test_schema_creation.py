"""Creating a register loads sqlite-utils without numpy (0.1 s of every new register), and leaves
numpy importable for whoever needs it afterwards (`report chart`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODE = """
import sys
from pathlib import Path
from mentorcli.store.db import connect
connect(Path(sys.argv[1]), create=True).close()
assert "numpy" not in sys.modules and "pandas" not in sys.modules, "creating the schema imported them"
import numpy  # installed with the test extra (matplotlib): still importable
print(numpy.__name__)
"""


def test_creating_a_register_leaves_numpy_alone(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CODE, str(tmp_path / "r.db")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "numpy"
