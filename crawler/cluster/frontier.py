"""The shared state of a cluster run in Redis: the plan, the frontier, leases, results.

The coordinator (crawler.cluster.coordinator) and the workers (crawler.cluster.workerprocess)
meet only here. The request queues are scrapy-redis's (crawler.cluster.leasedqueue); around
them this module keeps the one invariant that makes a run end correctly and lose nothing:

    every request of the run is in a queue, or leased to a live worker, or its outcome is in
    the results list, or stored by the coordinator.

A worker takes a request by moving it, atomically, from its queue to the lease table; it
hands the outcome back and drops the lease in one transaction. A request that becomes
another (a redirect, a retry) is pushed with the old lease dropped, again in one
transaction. A page that leads to further requests (a listing page) keeps its lease until
the last of them is queued, and that push drops it (crawler.cluster.leasedqueue.OpenLeases): Scrapy
queues what a callback yields only after the callback has returned, and a lease dropped
before would leave the run looking finished in between. What marks a request as requested
(its claim, its duplicate-filter fingerprint) is written by the push that queues it, so a
worker killed in between leaves nothing marked and unqueued. A worker that stops beating its
heart has its leases put back in their queues. So the run is over exactly when queues, leases
and results are all empty at one instant, which one script tests and, if so, ends the run
(`finish_if_drained`).

Results are zlib-compressed: a JSON header, a NUL byte, then the page's raw bytes. Requests
themselves are pickled by scrapy-redis: Redis is trusted like the database is.
"""

from __future__ import annotations

import json
import os
import socket
import zlib

from briefwatch.crawler.masking import masked_text, masked_url

PREFIX = "briefwatch"
CURRENT = f"{PREFIX}:current"

# A worker unseen for this long is taken for dead and its requests are given to others.
DEFAULT_WORKER_TIMEOUT = 30.0
# How a worker node hands a run's worker process the Redis URL (see crawler.cluster.workerprocess)
REDIS_URL_VARIABLE = "BRIEFWATCH_REDIS_URL"

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local lease = ARGV[1] .. '#' .. redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], lease, r[2] .. '|' .. KEYS[1] .. '|' .. r[1])
return {lease, r[1]}
"""

# Joining is refused once the run is no longer running: then every worker that joined did so
# before the coordinator ended the run, and it waits for exactly those to leave.
_JOIN = """
if redis.call('GET', KEYS[1]) ~= 'running' then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return 1
"""

# A report written after the run was forgotten would leave its key behind.
_REPORT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""

_REQUEUE = """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local a = string.find(v, '|', 1, true)
local b = string.find(v, '|', a + 1, true)
redis.call('ZADD', string.sub(v, a + 1, b - 1), string.sub(v, 1, a - 1), string.sub(v, b + 1))
redis.call('HDEL', KEYS[1], ARGV[1])
return string.sub(v, a + 1, b - 1)
"""


# KEYS: the queue, the lease table. ARGV: score, request, the number of marks, each mark's
# set key and member, then the leases to drop.
_PUSH = """
local n = tonumber(ARGV[3])
local queued = 1
for i = 0, n - 1 do
  if redis.call('SISMEMBER', ARGV[4 + 2 * i], ARGV[5 + 2 * i]) == 1 then queued = 0 end
end
if queued == 1 then
  for i = 0, n - 1 do redis.call('SADD', ARGV[4 + 2 * i], ARGV[5 + 2 * i]) end
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
for j = 4 + 2 * n, #ARGV do redis.call('HDEL', KEYS[2], ARGV[j]) end
return queued
"""

# KEYS: state, seeded, leases, results, then every queue of the run.
_FINISH = """
if redis.call('GET', KEYS[1]) ~= 'running' then return 'lost' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'running' end
if redis.call('HLEN', KEYS[3]) > 0 or redis.call('LLEN', KEYS[4]) > 0 then return 'running' end
for i = 5, #KEYS do
  if redis.call('ZCARD', KEYS[i]) > 0 then return 'running' end
end
redis.call('SET', KEYS[1], 'done')
return 'done'
"""


class ClusterError(Exception):
    """Redis unreachable, or no worker to do the work: one line for the user."""


def connect(url: str):
    """A client for the cluster's Redis, checked: ClusterError says what to fix."""
    try:
        import redis
    except ImportError:
        raise ClusterError("cluster mode needs the redis and scrapy-redis packages: "
                           "pip install 'briefwatch[cluster]'") from None
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30,
                                      health_check_interval=30)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ClusterError(f"cannot reach Redis at {masked_url(url)}: "
                           f"{masked_text(str(exc), url)}; start redis-server there or "
                           f"fix [cluster] redis_url") from None
    return server


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def lease_owner(lease: str) -> str:
    return lease.rsplit("#", 1)[0]


class Frontier:
    """One run's keys, and the operations on them that must be atomic."""

    def __init__(self, server, run: int):
        self.server = server
        self.run = int(run)
        base = f"{PREFIX}:run:{self.run}"
        self.base = base
        self.plan_key = f"{base}:plan"
        self.state_key = f"{base}:state"
        self.inflight = f"{base}:inflight"
        self.lease_counter = f"{base}:leases"
        self.results = f"{base}:results"
        self.workers = f"{base}:workers"
        self.tally_key = f"{base}:tally"
        self.joined = f"{base}:joined"
        self.seeded_key = f"{base}:seeded"  # set once every first request is queued
        self.stored_key = f"{base}:stored"  # transcript URLs the coordinator stored this run
        self._pop = server.register_script(_POP)
        self._join = server.register_script(_JOIN)
        self._report = server.register_script(_REPORT)
        self._requeue = server.register_script(_REQUEUE)
        self._push = server.register_script(_PUSH)
        self._finish = server.register_script(_FINISH)

    # -- keys per source ---------------------------------------------------------------------

    def queue_key(self, source: str) -> str:
        return f"{self.base}:{source}:requests"

    def dupefilter_key(self, source: str) -> str:
        return f"{self.base}:{source}:dupefilter"

    def claims_key(self, source: str, kind: str) -> str:
        return f"{self.base}:{source}:claimed:{kind}"

    @staticmethod
    def alive_key(worker: str) -> str:
        return f"{PREFIX}:worker:{worker}:alive"

    # -- the run -----------------------------------------------------------------------------

    def publish(self, plan: dict) -> None:
        """Make this run the current one; workers read its plan and join."""
        with self.server.pipeline(transaction=True) as pipe:
            pipe.set(self.plan_key, json.dumps(plan))
            pipe.set(self.state_key, "running")
            pipe.set(CURRENT, self.run)
            pipe.execute()

    def plan(self) -> dict | None:
        raw = self.server.get(self.plan_key)
        return json.loads(raw) if raw else None

    def state(self) -> str | None:
        raw = self.server.get(self.state_key)
        return raw.decode() if raw else None

    def set_state(self, state: str) -> None:
        self.server.set(self.state_key, state)

    def forget(self) -> None:
        """Delete every key of the run (the run is over, stored or abandoned)."""
        with self.server.pipeline(transaction=True) as pipe:
            pipe.watch(CURRENT)
            current = pipe.get(CURRENT)
            pipe.multi()
            if current is not None and int(current) == self.run:
                pipe.delete(CURRENT)
            pipe.execute()
        keys = list(self.server.scan_iter(match=f"{self.base}:*", count=500))
        for start in range(0, len(keys), 500):
            self.server.delete(*keys[start:start + 500])

    # -- requests and leases ---------------------------------------------------------------

    def lease(self, queue_key: str, worker: str) -> tuple[str, bytes] | None:
        """Take the most urgent request of a queue; it stays leased to `worker` until acked."""
        taken = self._pop(keys=[queue_key, self.inflight, self.lease_counter], args=[worker])
        if not taken:
            return None
        lease, data = taken
        return lease.decode(), data

    def push(self, queue_key: str, score: float, data: bytes, *, settles=(), marks=()) -> bool:
        """Queue a request, unless one of its `marks` ((set key, member): a claim, a
        fingerprint) is set already; add the marks with it, and drop the leases it `settles`
        (the request it replaces, the page it was found on) either way. True if queued."""
        args = [score, data, len(marks)]
        for key, member in marks:
            args += [key, member]
        return bool(self._push(keys=[queue_key, self.inflight], args=[*args, *settles]))

    def hand_back(self, header: dict, body: bytes = b"", settles=()) -> None:
        """An outcome for the coordinator; the leases it settles are dropped with it."""
        payload = zlib.compress(json.dumps(header, ensure_ascii=False).encode() + b"\0" + body, 3)
        with self.server.pipeline(transaction=True) as pipe:
            pipe.rpush(self.results, payload)
            if settles:
                pipe.hdel(self.inflight, *settles)
            pipe.execute()

    def hand_back_failure(self, kind: str, source: str, url: str, worker: str, reason: str,
                          settles=()) -> None:
        """A fetch that came to nothing (`kind`: failed | listing_failed), for the
        coordinator to count and name."""
        self.hand_back({"kind": "failure", "failure": kind, "source": source, "url": url,
                        "worker": worker, "reason": reason}, settles=settles)

    def ack(self, lease: str) -> None:
        self.server.hdel(self.inflight, lease)

    def leases(self) -> list[str]:
        return [k.decode() for k in self.server.hkeys(self.inflight)]

    def requeue(self, lease: str) -> str | None:
        """Put a leased request back in its queue; returns that queue's key."""
        queue = self._requeue(keys=[self.inflight], args=[lease])
        return queue.decode() if queue else None

    def requeue_dead(self) -> list[str]:
        """Give the requests of workers whose heart stopped to the others; returns the queue
        key of each request put back."""
        owners = {}
        for lease in self.leases():
            owners.setdefault(lease_owner(lease), []).append(lease)
        moved = []
        for worker, leases in owners.items():
            if not self.server.exists(self.alive_key(worker)):
                moved += [q for q in map(self.requeue, leases) if q]
        return moved

    def requeue_own(self, worker: str, queue_key: str) -> int:
        """A worker leaving cleanly gives back what it had not finished."""
        moved = 0
        for lease, value in self.server.hgetall(self.inflight).items():
            lease = lease.decode()
            if lease_owner(lease) == worker and value.split(b"|", 2)[1].decode() == queue_key:
                moved += bool(self.requeue(lease))
        return moved

    def finish_if_drained(self, sources: list[str]) -> str:
        """End the run if nothing is queued, leased or waiting to be stored, tested and done
        in one step: "done", "running" (work is left), or "lost" (Redis lost the run)."""
        keys = [self.state_key, self.seeded_key, self.inflight, self.results,
                *(self.queue_key(s) for s in sources)]
        return self._finish(keys=keys).decode()

    # -- results -----------------------------------------------------------------------------

    def peek_results(self, limit: int) -> list[tuple[dict, bytes]]:
        out = []
        for payload in self.server.lrange(self.results, 0, limit - 1):
            header, _, body = zlib.decompress(payload).partition(b"\0")
            out.append((json.loads(header), body))
        return out

    def settle_results(self, count: int, tally: dict) -> None:
        """Drop the first `count` results, now stored, and keep the run's counts with them, so
        that a coordinator restarted mid-run goes on from here."""
        with self.server.pipeline(transaction=True) as pipe:
            pipe.ltrim(self.results, count, -1)
            pipe.set(self.tally_key, json.dumps(tally))
            pipe.execute()

    def tally(self) -> dict:
        raw = self.server.get(self.tally_key)
        return json.loads(raw) if raw else {}

    # -- workers -----------------------------------------------------------------------------

    def join(self, worker: str, timeout: float) -> bool:
        """Take part in the run, if it is still running (alive from now on)."""
        return bool(self._join(keys=[self.state_key, self.joined, self.alive_key(worker)],
                               args=[worker, self.run, int(timeout * 1000)]))

    def members(self) -> set[str]:
        return {w.decode() for w in self.server.smembers(self.joined)}

    def beat(self, worker: str, timeout: float) -> None:
        self.server.set(self.alive_key(worker), self.run, px=int(timeout * 1000))

    def report(self, worker: str, source: str, stats: dict) -> None:
        self._report(keys=[self.state_key, self.workers],
                     args=[f"{worker} {source}", json.dumps(stats, default=str)])

    def reports(self) -> dict[str, dict[str, dict]]:
        """worker -> source -> its last report."""
        out: dict[str, dict[str, dict]] = {}
        for field, raw in self.server.hgetall(self.workers).items():
            worker, source = field.decode().rsplit(" ", 1)
            out.setdefault(worker, {})[source] = json.loads(raw)
        return out

    def alive(self, worker: str) -> bool:
        return bool(self.server.exists(self.alive_key(worker)))


def status(server) -> dict:
    """What the cluster is doing: the current run's frontier and the workers, for
    `briefwatch workers`."""
    nodes = sorted(k.decode().split(":")[2]
                   for k in server.scan_iter(match=f"{PREFIX}:node:*", count=200))
    out = {"run": None, "state": None, "queued": {}, "leased": 0, "waiting": 0,
           "workers": {name: {"serving": True, "in_run": False, "alive": False}
                       for name in nodes}}
    run = current_run(server)
    if run is None:
        return out
    frontier = Frontier(server, run)
    plan = frontier.plan() or {"sources": []}
    sources = [s["name"] for s in plan["sources"]]
    with server.pipeline(transaction=True) as pipe:
        for source in sources:
            pipe.zcard(frontier.queue_key(source))
        pipe.hlen(frontier.inflight)
        pipe.llen(frontier.results)
        counts = pipe.execute()
    out.update(run=run, state=frontier.state(), queued=dict(zip(sources, counts, strict=False)),
               leased=counts[-2], waiting=counts[-1])
    reports = frontier.reports()
    for name in frontier.members() | set(reports):
        by_source = reports.get(name, {})
        entry = out["workers"].setdefault(name, {"serving": False})
        entry.update(in_run=True, alive=frontier.alive(name),
                     pages=sum(r.get("pages", 0) for r in by_source.values()),
                     requests=sum(r.get("requests", 0) for r in by_source.values()))
    return out


def current_run(server) -> int | None:
    raw = server.get(CURRENT)
    return int(raw) if raw else None
