"""README command 2 with nothing set (issue 10): the tests' own servers, and every subprocess a test
starts reaching exactly those servers, never a machine's own PostgreSQL on 127.0.0.1:5432."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import environ
import pytest
import redis
from django.conf import settings
from django.db import connection

from config import embedded
from tests.reports.worker import database_url, worker_environment

ROOT = Path(__file__).resolve().parents[2]
IDENTIFY = """
import django, redis
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT current_database(), system_identifier FROM pg_control_system()")
    name, cluster = cursor.fetchone()
print(name, cluster, redis.Redis.from_url(settings.REDIS_URL).info("server")["run_id"])
"""


def _identity_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), system_identifier FROM pg_control_system()")
        name, cluster = cursor.fetchone()
    return [name, str(cluster), redis.Redis.from_url(settings.REDIS_URL).info("server")["run_id"]]


@pytest.mark.django_db
def test_a_worker_subprocess_reaches_the_test_database_and_redis_of_this_run(tmp_path):
    # given the test run's database (embedded on a socket when nothing is set) and Redis
    expected = _identity_here()

    # when a subprocess starts with the environment the real-worker tests give their workers
    result = subprocess.run(
        [sys.executable, "-c", IDENTIFY],
        cwd=ROOT,
        env=worker_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then it reached the same database on the same cluster and the same Redis server
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == expected


@pytest.mark.parametrize(
    ("settings_dict", "expected"),
    [
        (  # the embedded server: a socket folder, no TCP
            {"NAME": "test_clearfund", "USER": "postgres", "PASSWORD": "", "HOST": "", "PORT": "",
             "OPTIONS": {"host": "/tmp/clearfund-test-ab/pg"}},
            {"NAME": "test_clearfund", "USER": "postgres", "HOST": "", "PORT": "",
             "OPTIONS": {"host": "/tmp/clearfund-test-ab/pg"}},
        ),
        (  # a socket folder given as HOST, on another port
            {"NAME": "db", "USER": "me", "PASSWORD": "", "HOST": "/run/postgresql", "PORT": 5433, "OPTIONS": {}},
            {"NAME": "db", "USER": "me", "HOST": "", "PORT": "",
             "OPTIONS": {"host": "/run/postgresql", "port": 5433}},
        ),
        (  # TCP with a password that needs quoting and an option
            {"NAME": "cf", "USER": "u", "PASSWORD": "p@ss:/w", "HOST": "db.internal", "PORT": 6432,
             "OPTIONS": {"sslmode": "require"}},
            {"NAME": "cf", "USER": "u", "PASSWORD": "p@ss:/w", "HOST": "db.internal", "PORT": 6432,
             "OPTIONS": {"sslmode": "require"}},
        ),
    ],
)  # fmt: skip
def test_database_url_names_the_same_server_as_the_connection(settings_dict, expected):
    # when the URL given to a subprocess is read back the way the settings read DATABASE_URL
    parsed = environ.Env.db_url_config(database_url(settings_dict))

    # then it names the same socket folder or host, port, user, password, database and options
    assert {key: parsed.get(key, "") for key in expected} == expected


def _throwaway_child(code: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


START = """
import os, sys, time, django
django.setup()
from django.db import connection
connection.ensure_connection()
print(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], flush=True)
if sys.argv[-1] == "wait":
    time.sleep(600)
"""


@pytest.mark.slow
def test_throwaway_servers_stop_and_vanish_when_the_test_process_exits():
    # given a process that loads the test settings with no DATABASE_URL / REDIS_URL
    child = _throwaway_child(START)
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err[-3000:]
    database, redis_url = out.split()

    # then it used servers on sockets in a temporary folder of its own, not 127.0.0.1
    folder = Path(redis_url.removeprefix("unix://")).parent
    assert folder.name.startswith(embedded.THROWAWAY_PREFIX)
    assert database.endswith(f"?host={folder / 'pg'}")

    # and when it exited, they were stopped and the folder removed
    assert not folder.exists()


@pytest.mark.slow
def test_servers_of_a_killed_test_run_are_stopped_by_the_next_run():
    # given a test process killed outright while its throwaway servers run
    child = subprocess.Popen(
        [sys.executable, "-c", START, "wait"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
             "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    _database, redis_url = child.stdout.readline().split()
    folder = Path(redis_url.removeprefix("unix://")).parent
    postgres, redis_server = embedded.postgres_pid(var_dir=folder), embedded.redis_pid(var_dir=folder)
    assert postgres and redis_server
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert folder.exists()  # nothing cleaned up by the killed process

    # when the next run looks for abandoned servers
    removed = embedded.remove_abandoned_throwaways()

    # then that run's servers are stopped and its folder is gone
    assert folder in removed
    assert not folder.exists()
    time.sleep(0.2)
    assert not embedded._alive(postgres)
    assert not embedded._alive(redis_server)
