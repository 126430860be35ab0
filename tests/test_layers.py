"""The floors of peerreview/ (ARCHITECTURE.md) hold: no import cycle between files, no import upward or into another
feature's services or routes without a stated reason, function-local imports only in the app factory, CLI and seed."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "import_graph.py"


def test_the_import_graph_keeps_the_floors():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Import cycles between files: 0" in result.stdout
    assert "Upward imports: 0" in result.stdout
