"""The peer's own virtualenv, var/peer-venv: made once from PyPI, reused after.

django-appointment 3.12 and its Django (bench/peer/requirements.txt) go into var/peer-venv, made
with Python 3.13 (pyenv's, else `python3`); the project's .venv is never touched. The venv is
remade only when requirements.txt changes (its hash is kept in var/peer-venv/.requirements).

Usage: python3 bench/peer/peer_venv.py [peer_bench.py arguments]   (makes the venv, runs the bench)
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / "var" / "peer-venv"
REQUIREMENTS = HERE / "requirements.txt"


def _python313() -> str:
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(glob.glob(str(pyenv_root / "versions" / "3.13*" / "bin" / "python")))
    if found:
        return found[-1]
    for name in ("python3.13", "python3"):
        path = shutil.which(name)
        if path:
            out = subprocess.run(
                [path, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                capture_output=True,
                text=True,
            )
            if out.stdout.strip() == "True":
                return path
    sys.exit("peer venv: no Python 3.13 (pyenv's or python3)")


def ensure_venv() -> Path:
    """The peer venv's python, after making or updating the venv if requirements.txt changed."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    marker = VENV / ".requirements"
    python = VENV / "bin" / "python"
    if python.exists() and marker.exists() and marker.read_text() == digest:
        return python
    if not python.exists():
        print(f"peer venv: creating {VENV}", file=sys.stderr)
        subprocess.run([_python313(), "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(REQUIREMENTS),
        ],
        check=True,
    )
    marker.write_text(digest)
    return python


def main() -> None:
    python = ensure_venv()
    os.execv(str(python), [str(python), str(HERE / "peer_bench.py"), *sys.argv[1:]])


if __name__ == "__main__":
    main()
