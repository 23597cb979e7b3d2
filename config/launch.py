"""Starting local servers race-free, for the demo launcher and the tests (ADR 0006).

- A port is never "checked free, then bound by someone": the launcher binds and listens itself
  (:func:`listen`) and hands the open socket to the child (``pass_fds``), which serves on it. The
  port stays taken for as long as the launcher lives, across restarts of the child.
- Whatever answers is checked to be the process that was started: each child gets a per-run
  token (:func:`new_token`, in its environment) and echoes it on a health URL
  (:func:`wait_for_instance`); an answer without it is refused.
- A child dies with its launcher (:func:`die_with_launcher`, Linux), so a launcher killed outright
  leaves no server behind.
Standard library only: imported by the demo launcher before Django is set up.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

TOKEN_ENV = "CLEARFUND_INSTANCE_TOKEN"  # noqa: S105 - the name of a variable, not a secret


class LaunchError(RuntimeError):
    """A child did not come up as the process we started."""


def listen(host: str = "127.0.0.1", preferred: int = 0, *, tries: int = 50) -> socket.socket:
    """A listening TCP socket on ``host``: ``preferred`` or the next free of ``tries`` ports after
    it (``0``: any port the system picks). Raises ``LaunchError`` when none is free."""
    candidates = [0] if preferred == 0 else range(preferred, preferred + tries)
    for port in candidates:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        # Lets a port in TIME_WAIT be reused; never lets two processes listen on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            # With SO_REUSEADDR two sockets may both bind a port before either listens (two demos
            # starting at once); the second then learns it is taken here, at listen().
            sock.listen(128)
        except OSError:
            sock.close()
            continue
        return sock
    raise LaunchError(f"no free port on {host} from {preferred} to {preferred + tries - 1}")


def new_token() -> str:
    return secrets.token_hex(16)


def die_with_launcher() -> None:
    """``preexec_fn`` for a child: the kernel sends it SIGTERM when the launcher dies (Linux).

    Runs between fork and exec, so it only calls a C function looked up beforehand."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def instance(url: str, *, timeout: float = 2) -> dict | None:
    """The JSON a child answers on its health URL, or ``None`` when nothing (valid) answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback URL we built
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def wait_for_instance(
    url: str, token: str, *, name: str, process: subprocess.Popen, seconds: float = 90
) -> dict:
    """Wait until ``url`` answers with ``token``; return the answer.

    Raises ``LaunchError`` when the process exits first, when something answers with another token
    (another instance), or after ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LaunchError(f"{name} exited with {process.returncode} before answering")
        answer = instance(url)
        if answer is not None:
            if answer.get("token") != token:
                raise LaunchError(
                    f"{url} is answered by another process (pid {answer.get('pid')}), not {name}"
                )
            return answer
        time.sleep(0.2)
    raise LaunchError(f"{name} did not answer on {url} within {seconds:.0f}s")


def stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """TERM the process group of ``process`` (started with ``start_new_session``), wait up to
    ``grace`` seconds, then KILL whatever of the group is left: a server's workers go with it."""
    signal_group(process, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    signal_group(process, signal.SIGKILL)
    process.wait(timeout=10)


def signal_group(process: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` to every process of the child's group (its pool or workers included)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
