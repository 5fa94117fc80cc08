"""`briefwatch worker`: a crawl node of a cluster. It waits for a run on the shared Redis,
takes part in it (a crawler.cluster.workerprocess process per run), and waits for the next one.

It needs nothing but Redis: the run's plan (sources, settings, what is already stored) comes
from the coordinator through Redis, and what it fetches goes back the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from briefwatch.crawler.cluster.frontier import (
    PREFIX,
    REDIS_URL_VARIABLE,
    ClusterError,
    Frontier,
    connect,
    current_run,
    worker_name,
)
from briefwatch.crawler.masking import masked_text, masked_url

POLL_SECONDS = 1.0
# The claim on a worker's name outlives a missed beat or two, not a dead worker by much.
NODE_TTL_MS = 5000
# How long a crawl process told to stop may take to finish its downloads.
STOP_GRACE_SECONDS = 10


def serve(redis_url: str, *, name: str | None = None, idle_timeout: float = 300.0,
          log_level: str = "WARNING", log_file: Path | None = None,
          say: Callable[[str], None] = print) -> int:
    """Serve runs until SIGTERM/Ctrl-C, or until `idle_timeout` seconds pass with no run
    to take part in (0: never). Returns the exit code."""
    server = connect(redis_url)
    name = name or worker_name()
    node = f"{PREFIX}:node:{name}"
    # Two workers of one name would take each other's requests for their own.
    if not server.set(node, os.getpid(), nx=True, px=NODE_TTL_MS):
        raise ClusterError(f"a worker named {name!r} is already serving on "
                           f"{masked_url(redis_url)} (or was killed less than "
                           f"{NODE_TTL_MS // 1000} s ago); give this one another --name")
    stop = {"asked": False, "child": None}

    def ask_stop(signum, frame):
        stop["asked"] = True
        child = stop["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)  # it gives back what it had leased, then leaves

    signal.signal(signal.SIGTERM, ask_stop)
    signal.signal(signal.SIGINT, ask_stop)
    say(f"worker {name} waiting for runs on {masked_url(redis_url)}")
    try:
        return _serve(server, redis_url, name, node, idle_timeout, log_level, log_file, say,
                      stop)
    finally:
        _release_name(server, node)


def _serve(server, redis_url, name, node, idle_timeout, log_level, log_file, say, stop) -> int:
    import redis

    joined: set[int] = set()
    idle_since = time.monotonic()
    while not stop["asked"]:
        try:
            server.set(node, os.getpid(), px=NODE_TTL_MS)
            run = current_run(server)
            state = Frontier(server, run).state() if run is not None else None
        except redis.RedisError as exc:
            # A night's work should survive Redis restarting: wait for it.
            say(f"worker {name}: cannot reach Redis ({masked_text(str(exc), redis_url)}); "
                f"trying again")
            time.sleep(POLL_SECONDS * 5)
            continue
        if run is not None and run not in joined and state == "running":
            joined.add(run)
            say(f"worker {name} joins run {run}")
            # The URL, which may hold a password, goes in the environment, which only its owner
            # reads, not on a command line every user's `ps` shows.
            cmd = [sys.executable, "-m", "briefwatch.crawler.cluster.workerprocess",
                   "--run", str(run), "--worker", name, "--log-level", log_level]
            if log_file:
                cmd += ["--log-file", str(log_file)]
            env = {**os.environ, "BRIEFWATCH_PARENT_PID": str(os.getpid()),
                   REDIS_URL_VARIABLE: redis_url}
            stop["child"] = subprocess.Popen(cmd, env=env, start_new_session=True)
            code = _wait(stop["child"], lambda: _claim_name(server, node), stop)
            stop["child"] = None
            say(f"worker {name} left run {run}" + (f" (exit {code})" if code else ""))
            idle_since = time.monotonic()
            continue
        if idle_timeout and time.monotonic() - idle_since >= idle_timeout:
            say(f"worker {name}: no run for {idle_timeout:.0f} s; leaving")
            return 0
        time.sleep(POLL_SECONDS)
    return 0


def _claim_name(server, node: str) -> None:
    import redis

    # Redis gone for a moment: the crawl process notices too, and waits for it.
    with contextlib.suppress(redis.RedisError):
        server.set(node, os.getpid(), px=NODE_TTL_MS)


def _release_name(server, node: str) -> None:
    import redis

    with contextlib.suppress(redis.RedisError):
        server.delete(node)


def _wait(child: subprocess.Popen, beat: Callable[[], object], stop: dict) -> int:
    asked = None
    while True:
        try:
            return child.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            beat()
        if stop["asked"]:
            asked = asked or time.monotonic()
            if time.monotonic() - asked > STOP_GRACE_SECONDS:
                # What it had leased is back in the queues already: a download that will
                # not finish is no reason to stay.
                child.kill()
