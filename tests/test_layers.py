"""The floors of peerreview/ (ARCHITECTURE.md) hold: no import cycle between files, no import upward or into another
feature without a stated reason, function-local imports only in the app factory, CLI and seed; and the checker that
says so catches each kind of breach."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "import_graph.py"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--check", *args], capture_output=True, text=True,
                          check=False)


def test_the_import_graph_keeps_the_floors():
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Import cycles between files: 0" in result.stdout
    assert "Upward imports: 0" in result.stdout


@pytest.mark.parametrize(("module", "line", "reported"), [
    ("plans/services.py", "from ..reviews.report import publish", "plans.services -> reviews.report"),
    ("plans/services.py", "from ..reviews.routes.team import team", "plans.services -> reviews.routes.team"),
    ("evaluation/team.py", "from ..plans import services", "evaluation.team -> plans.services"),
    ("cache.py", "from .questionnaires import routes", "cache -> questionnaires"),
    ("evaluation/lifecycle.py", "from ..evaluations.excel import layout", "evaluation.lifecycle -> evaluations"),
    ("domain/scoring.py", "from . import results", "domain.results <-> domain.scoring"),
    ("reviews/report.py", "def late():\n    from ..evaluation import team", "reviews.report:"),
])
def test_the_checker_catches_a_breach(tmp_path, module, line, reported):
    copy = tmp_path / "peerreview"
    shutil.copytree(ROOT / "peerreview", copy, ignore=shutil.ignore_patterns("templates", "static", "__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = check("--root", str(copy))
    assert result.returncode == 1, result.stdout
    assert reported in result.stdout
