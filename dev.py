#!/usr/bin/env python3
"""The two commands of the README. Standard library only: it runs before anything is installed.

    python3 dev.py demo    install everything, then start the demo (site, admin, worker, payments)
    python3 dev.py test    install everything, then run the whole test suite

Both create ``.venv`` from ``requirements.lock`` (exact pins) and check the system packages the
project needs: as root they are installed with apt-get, otherwise the exact line is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".lock-installed"

# Pango for WeasyPrint, CJK fonts for Chinese PDFs, harfbuzz-subset so font subsetting is native,
# Chromium for the browser tests.
SYSTEM_PACKAGES = {
    "demo": ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"],
    "test": ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk", "chromium"],
}


def say(message: str) -> None:
    print(f"[clearfund] {message}", flush=True)


def missing_system_packages(names: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []  # not Debian: trust the machine, WeasyPrint's health check will say what is missing
    missing = []
    for name in names:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def ensure_system_packages(purpose: str) -> None:
    missing = missing_system_packages(SYSTEM_PACKAGES[purpose])
    if not missing:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0:
        say("these system packages are needed; install them and run this command again:")
        print(f"    sudo {line}")
        sys.exit(2)
    say(f"installing system packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(line.split(), env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(line.split(), env=env, check=True)


def ensure_python_packages() -> None:
    if not PYTHON.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == LOCK.read_text():
        return
    uv = VENV / "bin" / "uv"
    if not uv.exists():
        subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "uv==0.13.9"], check=True)
    say("installing Python packages from requirements.lock")
    # The platform's certificate store, not uv's bundled one: behind a TLS-inspecting proxy (its CA
    # installed system-wide) this works with nothing set in the environment, like pip does.
    subprocess.run(
        [str(uv), "pip", "sync", "-q", "--system-certs", "--python", str(PYTHON), str(LOCK)], check=True
    )
    STAMP.write_text(LOCK.read_text())


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in ("demo", "test"):
        print(__doc__)
        return 2
    command, rest = argv[1], argv[2:]
    ensure_system_packages(command)
    ensure_python_packages()
    os.chdir(ROOT)
    if command == "demo":
        os.execv(str(PYTHON), [str(PYTHON), "-m", "config.demo", *rest])
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *parallel(rest), *rest])
    return 0


def parallel(rest: list[str]) -> list[str]:
    """pytest-xdist options for the whole suite: one worker per core. Tests are handed out in
    pytest-django's order (``--dist load``, not ``loadfile``): every worker runs its database tests
    before its transactional ones, which empty the tables when they end (whole files per worker
    mixed them, and the next file's tests found no staff groups or locales). Each worker starts
    throwaway PostgreSQL and Redis of its own (config/settings/test.py), so workers share nothing.
    None when the caller chose (``-n``, ``--dist``, ``-p no:xdist``)."""
    if (
        any(arg == "-n" or arg.startswith(("-n", "--numprocesses", "--dist")) for arg in rest)
        or "no:xdist" in rest
    ):
        return []
    workers = max(1, os.cpu_count() or 1)
    return ["-n", str(workers), "--dist", "load"] if workers > 1 else []


if __name__ == "__main__":
    sys.exit(main(sys.argv))
