"""The demo's process supervisor: starts its servers, restarts one that dies, stops them all (ADR 0006).

Each child runs in a session of its own (so stopping it stops its workers or pool too) and dies with
the launcher (``config.launch.die_with_launcher``). A child that exits is restarted, at most
``max_restarts`` times within ``window`` seconds; one more exit and the supervisor gives up loudly
(:class:`GaveUp`, naming the child). Standard library only until Django is set up.
"""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from config import launch


class GaveUp(RuntimeError):
    """A child kept dying; ``name`` says which."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass
class Child:
    """One supervised process.

    ``sock``: a listening socket handed to the child (its fd number is in ``argv`` already);
    ``health``: a path the child answers with its token (``config.launch``) on ``sock``'s port.
    """

    name: str
    argv: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    sock: socket.socket | None = None
    health: str | None = None
    ready_seconds: float = 90
    process: subprocess.Popen | None = None
    token: str = ""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def url(self) -> str:
        assert self.sock is not None
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self, cwd: Path) -> None:
        """Start the process; return once it answers its health URL with its token (if it has one).

        Raises ``config.launch.LaunchError`` when it exits first or something else answers.
        """
        self.token = launch.new_token()
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                self.argv,
                cwd=cwd,
                env={**os.environ, **self.env, launch.TOKEN_ENV: self.token},
                stdout=output,
                stderr=output,
                pass_fds=(self.sock.fileno(),) if self.sock else (),
                start_new_session=True,
                preexec_fn=launch.die_with_launcher,
            )
        if self.health:
            launch.wait_for_instance(
                self.url + self.health,
                self.token,
                name=self.name,
                process=self.process,
                seconds=self.ready_seconds,
            )

    def exited(self) -> int | None:
        """The exit code when the process has ended, else ``None``."""
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        if self.process is not None:
            launch.stop(self.process, grace=15)


@dataclass
class Watched:
    """Something not started as a child but kept alive the same way (embedded PostgreSQL, Redis)."""

    name: str
    pid: Callable[[], int | None]
    restart: Callable[[], None]


class Supervisor:
    """Starts children in order, restarts the ones that die, stops them in reverse order."""

    def __init__(
        self, *, cwd: Path, log: Callable[[str], None], max_restarts: int = 5, window: float = 60
    ) -> None:
        self.cwd = cwd
        self.log = log
        self.max_restarts = max_restarts
        self.window = window
        self.children: list[Child] = []
        self.watched: list[Watched] = []
        self.on_change: Callable[[], None] = lambda: None
        self._exits: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)

    def start(self, child: Child) -> Child:
        child.start(self.cwd)
        self.children.append(child)
        self.log(f"started {child.name} (pid {child.pid}, log {child.log})")
        self.on_change()
        return child

    def watch(self, watched: Watched) -> None:
        self.watched.append(watched)

    def check(self) -> None:
        """Restart every child (and watched server) that has died since the last check.

        Raises :class:`GaveUp` for one that died more than ``max_restarts`` times in ``window`` s.
        """
        for child in self.children:
            code = child.exited()
            if code is None:
                continue
            launch.signal_group(child.process, 9)  # what is left of it: gunicorn workers, a pool
            self._count_exit(child.name, f"exited with {code}", child.log)
            child.start(self.cwd)
            self.log(f"restarted {child.name} (pid {child.pid})")
            self.on_change()
        for watched in self.watched:
            if watched.pid() is None:
                self._count_exit(watched.name, "stopped", None)
                watched.restart()
                self.log(f"restarted {watched.name} (pid {watched.pid()})")
                self.on_change()

    def _count_exit(self, name: str, what: str, log: Path | None) -> None:
        now = time.monotonic()
        exits = self._exits[name]
        exits.append(now)
        while exits and exits[0] < now - self.window:
            exits.popleft()
        where = f"; see {log}" if log else ""
        if len(exits) > self.max_restarts:
            raise GaveUp(
                name,
                f"{name} {what}, {len(exits)} times within {self.window:.0f}s: giving up, stopping the demo{where}",
            )
        self.log(
            f"{name} {what}; restarting it ({len(exits)} of {self.max_restarts} in {self.window:.0f}s){where}"
        )

    def run(self, *, interval: float = 0.5) -> None:
        """Supervise until interrupted (an exception from a signal handler) or :class:`GaveUp`."""
        while True:
            self.check()
            time.sleep(interval)

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.exited() is None:
                started = time.monotonic()
                child.stop()
                self.log(f"stopped {child.name} ({time.monotonic() - started:.1f}s)")
            else:
                child.stop()  # reap and clear its group
