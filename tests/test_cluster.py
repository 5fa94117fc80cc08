"""Cluster mode end to end: a real redis-server on 127.0.0.1, local copies of briefing sites,
`briefwatch worker` processes and `briefwatch crawl --cluster`, all through the real CLI.

The yardstick is a local crawl of the same site: the cluster must store the same transcripts
and flag the same events, fetch no page more often, and lose nothing when a worker or the
coordinator is killed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from briefwatch.jobs import demo as ds

from tests import helpers
from tests.helpers import CLI, REPO, read_cli, run_cli, wait_for, write_config
from tests.sites import families as fs
from tests.sites.redisgate import RedisGate

# -- fixtures ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REDIS_PASSWORD = "cluster-Pw-9d2e"


class CommandLines:
    """The command line of every process, read from /proc every 20 ms while the block runs:
    what any user of the machine sees in `ps`."""

    def __enter__(self):
        self.seen, self.done = set(), threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(0.02):
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    self.seen.add(cmdline.read_bytes().replace(b"\0", b" ").decode())
                except OSError:
                    continue  # the process ended

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


@pytest.fixture
def redis_url():
    """A redis-server of the test's own, on a Unix socket (no free TCP port to race for),
    with a password, as a shared one has."""
    folder = Path(tempfile.mkdtemp(prefix="bw-redis-"))  # socket paths must stay short
    socket_path = folder / "redis.sock"
    proc = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket_path), "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--requirepass", REDIS_PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"unix://{socket_path}?db=0&password={REDIS_PASSWORD}"
    client = redis.Redis.from_url(url)
    def answers() -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            assert proc.poll() is None, "redis-server exited at start"
            return False

    wait_for(answers, 60, "redis-server to start", interval=0.05)
    yield url
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


def cluster_config(path: Path, sources: list[dict], redis: str, *, db: str,
                   worker_timeout: float = 60, wait_for_workers: float = 60,
                   concurrency: int = 16) -> Path:
    write_config(path, sources, db=db)
    text = path.read_text().replace("concurrency_per_domain = 16",
                                    f"concurrency_per_domain = {concurrency}")
    path.write_text(text + f'\n[cluster]\nredis_url = "{redis}"\n'
                    f"worker_timeout = {worker_timeout}\nwait_for_workers = {wait_for_workers}\n")
    return path


class Workers:
    """`briefwatch worker` processes, stopped at the end of the test."""

    def __init__(self, config: Path, logs: Path):
        self.config, self.logs, self.procs = config, logs, {}

    def start(self, *names: str, idle: float = 120) -> None:
        for name in names:
            log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            self.procs[name] = subprocess.Popen(
                [*CLI, "--config", str(self.config), "worker",
                 "--name", name, "--idle-timeout", str(idle), "-v"],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        self.procs[name].send_signal(sig)
        self.procs[name].wait(30)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(tmp_path):
    started = []

    def make(config: Path) -> Workers:
        w = Workers(config, tmp_path)
        started.append(w)
        return w

    yield make
    for w in started:
        w.stop()


def crawl_json(config: Path, *args: str, timeout: float = 180) -> dict:
    result = run_cli("crawl", "--json", *args, config=config, timeout=timeout)
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)


def stored(config: Path) -> dict[str, tuple]:
    return {url: (r["title"], r["published"], r["versions"], r["status"], r["text"])
            for url, r in helpers.stored(config).items()}


def flagged(config: Path, run: int) -> Counter:
    rows = read_cli("changes", "--json", "--run", str(run), config=config).jsonl()
    return Counter((e["kind"], e["url"], e["version"]) for e in rows)


def fetched(requests: list[str]) -> Counter:
    """Paths a crawl requested, robots.txt aside (each crawl process asks for it once: here
    it redirects to the soft-404 page, which is set aside once with it)."""
    paths = Counter(p for p in requests if p != "/robots.txt")
    paths["/error.htm"] -= requests.count("/robots.txt")
    return +paths


def summary_counts(summary: dict) -> dict:
    return {k: summary[k] for k in ("status", "new", "edited", "unchanged", "rejected",
                                    "failed", "removed", "restored", "suspect")}


class SlowHandler(ds.SiteHandler):
    """Transcripts take a while to serve, so that a crawl is still going when a process is
    killed; the first fetch of `site.hang` hangs until the test ends, so that whoever took
    it is caught holding it."""

    site: SlowSite

    def _answer(self, send_body: bool) -> None:
        if re.search(r"/t\d+\.s?html$", self.path):
            if self.site.hang and self.path.endswith(self.site.hang) and \
                    self.site.hang not in self.site.hung:
                self.site.hung.add(self.site.hang)
                self.site.release.wait(60)
            time.sleep(0.15)
        super()._answer(send_body)


class SlowSite(ds.LocalSite):
    handler_base = SlowHandler

    def __init__(self, root: Path, hang: str = ""):
        super().__init__(root)
        self.hang, self.hung, self.release = hang, set(), threading.Event()

    def stop(self) -> None:
        self.release.set()
        super().stop()


def briefings(count: int, seed: int = 3):
    return ds.invent_briefings("en", dt.date(2020, 7, 3), count, seed=seed)


# -- the same results as one machine ------------------------------------------------------------


def test_three_workers_store_and_flag_what_a_local_crawl_does(tmp_path, redis_url, workers):
    root = tmp_path / "site"
    en = briefings(45)
    archive = ds.write_archive(root, "en-2014", en, per_page=10)
    scio = fs.write_scio(root, 6, per_page=3, pages_per_briefing=3)
    with ds.LocalSite(root) as site:
        sources = [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]},
            {"name": "scio", "spider": "scio", "start_urls": [site.url(scio.listing_path)]},
        ]
        local = write_config(tmp_path / "local.toml", sources, db="local.db")
        cluster = cluster_config(tmp_path / "cluster.toml", sources, redis_url, db="cluster.db")
        team = workers(cluster)
        team.start("w1", "w2", "w3")

        def both(*args: str) -> tuple[dict, dict, Counter, Counter]:
            before = len(site.requests)
            one = crawl_json(local, *args)
            middle = len(site.requests)
            many = crawl_json(cluster, "--cluster", *args)
            return (one, many, fetched(site.requests[before:middle]),
                    fetched(site.requests[middle:]))

        # 1. the first crawl: every listing page, every transcript, SCIO's three pages each
        with CommandLines() as processes:
            one, many, local_fetches, cluster_fetches = both()
        # each worker's run process was handed the Redis URL out of sight of `ps`
        assert any("workerprocess" in line for line in processes.seen), processes.seen
        assert not [line for line in processes.seen if REDIS_PASSWORD in line]
        assert summary_counts(one) == summary_counts(many)
        assert (many["status"], many["new"], many["failed"]) == ("completed", 51, 0)
        assert stored(cluster) == stored(local)
        assert flagged(cluster, many["run"]) == flagged(local, one["run"])
        assert cluster_fetches == local_fetches
        assert max(cluster_fetches.values()) == 1, "a page was fetched twice"
        per_worker = many["sources"]["mfa-en"]["workers"]
        assert set(per_worker) <= {"w1", "w2", "w3"} and len(per_worker) >= 2
        assert sum(w["pages"] for w in per_worker.values()) == 45
        assert many["sources"]["mfa-en"]["listing_pages"] == 5

        # 2. the site changes: new briefings, a reworded one, a dropped question, one gone
        fresh = [b for b in ds.invent_briefings("en", dt.date(2020, 8, 1), 20, seed=9)
                 if b.date > en[0].date][-4:]
        changed = [*fresh, ds.reword(en[0], seed=1), ds.drop_exchange(en[1], 0), *en[2:10],
                   *en[11:]]
        ds.write_archive(root, "en-2014", changed, per_page=10)
        fs.write_scio(root, 6, per_page=3, pages_per_briefing=3, edits={1: 1})
        one, many, local_fetches, cluster_fetches = both("--revisit", "all")
        assert summary_counts(one) == summary_counts(many)
        assert (many["new"], many["edited"], many["suspect"]) == (4, 3, 1)
        assert stored(cluster) == stored(local)
        assert flagged(cluster, many["run"]) == flagged(local, one["run"])
        assert cluster_fetches == local_fetches

        # 3. a quiet night: the incremental stop holds with many workers
        one, many, local_fetches, cluster_fetches = both()
        assert summary_counts(one) == summary_counts(many)
        assert cluster_fetches == local_fetches
        assert stored(cluster) == stored(local)

    runs = read_cli("runs", "--json", config=cluster).jsonl()
    assert [r["status"] for r in runs] == ["completed"] * 3
    assert runs[0]["options"]["cluster"] is True
    shown = run_cli("runs", config=cluster)
    assert "workers:" in shown.out and "w1" in shown.out
    leftovers = redis.Redis.from_url(redis_url).keys("briefwatch:run:*")
    assert leftovers == [], "a finished run left keys in Redis"


# -- losing nothing ------------------------------------------------------------------------------


def _wait_for(condition, timeout: float = 120, what: str = "", logs: Path | None = None) -> None:
    """Wait for a state; on time-out, say what was awaited, with the end of each process's log
    in `logs`."""
    def tails() -> str:
        return "logs: " + str({p.name: p.read_text(errors="replace")[-3000:]
                               for p in sorted(logs.glob("*.log"))} if logs else {})

    wait_for(condition, timeout, what, interval=0.05, detail=tails)


def _start_coordinator(config: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "--config", str(config), "crawl", "--cluster",
         "--json"], cwd=REPO, stdout=subprocess.PIPE, stderr=open(log, "w"), text=True)  # noqa: SIM115


def _versions(db: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            return conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@dataclass
class SlowCluster:
    """40 transcripts served slowly, a cluster config for them, and its workers (none started
    yet): runs long enough for a process to be killed in the middle."""

    site: ds.LocalSite
    archive: ds.Archive
    briefings: list
    config: Path
    team: Workers
    db: Path
    logs: Path

    def url(self, briefing) -> str:
        return self.site.url(self.archive.article_paths[briefing.number])

    def worker_timeout(self, seconds: float) -> None:
        """Before anything starts: how long a worker may be silent before it is taken for
        dead (the default, 60 s, is no false death on the most loaded machine)."""
        text = self.config.read_text()
        self.config.write_text(re.sub(r"worker_timeout = \S+", f"worker_timeout = {seconds}",
                                      text))

    def each_new_once(self) -> Counter:
        return Counter(("new", self.url(b), 1) for b in self.briefings)

    def coordinator(self, log: str = "coordinator.log") -> subprocess.Popen:
        return _start_coordinator(self.config, self.logs / log)

    def hang_on(self, briefing) -> str:
        """The first fetch of this transcript will hang until the test ends (a worker may
        hold its lease long before it fetches it)."""
        self.site.hang = self.archive.article_paths[briefing.number].rsplit("/", 1)[1]
        return self.site.hang

    def gate(self) -> None:
        """Hold the run open: one page hangs until `release` (the run cannot end before)."""
        self.hang_on(self.briefings[5])

    def release(self) -> None:
        self.site.release.set()

    def hanging(self) -> bool:
        """Whether a worker is fetching the page that hangs, and waiting for it."""
        return self.site.hang in self.site.hung

    def stored_at_least(self, n: int) -> None:
        _wait_for(lambda: _versions(self.db) >= n, what=f"{n} stored transcripts",
                  logs=self.logs)


@pytest.fixture
def slow_cluster(tmp_path, redis_url, workers):
    root = tmp_path / "site"
    en = briefings(40)
    archive = ds.write_archive(root, "en-2014", en, per_page=10)
    with SlowSite(root) as site:
        source = {"name": "mfa-en", "spider": "mfa",
                  "start_urls": [site.url(archive.listing_path)]}
        config = cluster_config(tmp_path / "cluster.toml", [source], redis_url, db="c.db",
                                concurrency=2)
        yield SlowCluster(site, archive, en, config, workers(config), tmp_path / "c.db",
                          tmp_path)


def _holder(client, fragment: bytes = b"") -> str | None:
    """A worker holding a lease of run 1 (on a request whose data contains `fragment`)."""
    for lease, data in client.hgetall("briefwatch:run:1:inflight").items():
        if fragment in data:
            return lease.decode().rsplit("#", 1)[0]
    return None


def assert_all_stored_once(c: SlowCluster) -> None:
    rows = stored(c.config)
    assert len(rows) == 40
    for b in c.briefings:
        title, published, versions, status, text = rows[c.url(b)]
        assert (title, versions, status) == (b.title, 1, "active")
        assert text.split("\n") == list(b.paragraphs)
    assert flagged(c.config, 1) == c.each_new_once()


def _a_push_to(source: str):
    """A request that adds to the source's queue: a ZADD, or a script given the queue but not
    the lease counter (a pop) nor the results (the coordinator's look at the frontier)."""
    queue = f":{source}:requests".encode()

    def test(data: bytes) -> bool:
        return queue in data and (b"\r\nZADD\r\n" in data or (
            b"\r\nEVALSHA\r\n" in data and b":leases" not in data and b":results" not in data))
    return test


def test_a_run_is_not_over_while_a_worker_queues_what_a_listing_page_links(tmp_path, redis_url,
                                                                           workers):
    """The race of the end-of-run test: a worker that has read a listing page settles that
    page's lease only once the requests it found are in the frontier. Held (by a gate on its
    Redis connection) just before it queues them, the run must stay open however often the
    coordinator looks; before the fix it ended the run with nothing stored."""
    root = tmp_path / "site"
    en = briefings(12)
    archive = ds.write_archive(root, "en-2014", en, per_page=10)
    direct = redis.Redis.from_url(redis_url)
    look = b"$6\r\nLRANGE\r\n"  # the coordinator, looking for results
    with ds.LocalSite(root) as site, RedisGate(redis_url) as gate:
        source = {"name": "mfa-en", "spider": "mfa",
                  "start_urls": [site.url(archive.listing_path)]}
        # a worker held at the gate beats no heart: it must not be taken for dead meanwhile
        config = cluster_config(tmp_path / "cluster.toml", [source], gate.url, db="c.db",
                                worker_timeout=600)
        gate.watch(look)
        coordinator = _start_coordinator(config, tmp_path / "coordinator.log")
        _wait_for(lambda: direct.exists("briefwatch:run:1:seeded"), what="the run to be seeded",
                  logs=tmp_path)
        gate.arm(_a_push_to("mfa-en"))  # the worker's first: what listing page 1 links
        team = workers(config)
        team.start("w1")
        assert gate.held.wait(120), "the worker never queued the listing page's requests"
        looked = gate.seen(look)
        _wait_for(lambda: gate.seen(look) >= looked + 5 or coordinator.poll() is not None
                  or direct.get("briefwatch:run:1:state") != b"running",
                  what="the coordinator to look at the frontier while the worker is held",
                  logs=tmp_path)
        state = direct.get("briefwatch:run:1:state")
        leased = direct.hlen("briefwatch:run:1:inflight")
        gate.release()
        assert (state, leased) == (b"running", 1), \
            "the run ended while a worker was queueing the requests of a listing page"
        out, _ = coordinator.communicate(timeout=180)
        assert coordinator.returncode == 0, (tmp_path / "coordinator.log").read_text()
    summary = json.loads(out)
    assert (summary["status"], summary["new"], summary["failed"]) == ("completed", 12, 0)
    assert len(stored(config)) == 12


def test_a_worker_killed_between_reading_a_listing_and_queueing_its_links_loses_nothing(
        tmp_path, redis_url, workers):
    """What a listing page links is claimed (requested once per run) by the push that queues
    it: a worker killed after reading the page and before queueing its links leaves them
    unclaimed, and whoever reads the page again queues them."""
    root = tmp_path / "site"
    en = briefings(12)
    archive = ds.write_archive(root, "en-2014", en, per_page=10)
    direct = redis.Redis.from_url(redis_url)
    with ds.LocalSite(root) as site, RedisGate(redis_url) as gate:
        source = {"name": "mfa-en", "spider": "mfa",
                  "start_urls": [site.url(archive.listing_path)]}
        # the killed worker's page goes to another once it has been silent for 5 s
        config = cluster_config(tmp_path / "cluster.toml", [source], gate.url, db="c.db",
                                worker_timeout=5)
        coordinator = _start_coordinator(config, tmp_path / "coordinator.log")
        _wait_for(lambda: direct.exists("briefwatch:run:1:seeded"), what="the run to be seeded",
                  logs=tmp_path)
        gate.arm(_a_push_to("mfa-en"))
        team = workers(config)
        team.start("w1")
        assert gate.held.wait(120), "the worker never queued the listing page's requests"
        team.kill("w1")
        gate.cut()
        team.start("w2")
        out, _ = coordinator.communicate(timeout=180)
        assert coordinator.returncode == 0, (tmp_path / "coordinator.log").read_text()
    summary = json.loads(out)
    assert (summary["status"], summary["new"], summary["failed"]) == ("completed", 12, 0)
    assert summary["sources"]["mfa-en"]["requeued"] >= 1
    assert len(stored(config)) == 12


def test_a_worker_killed_mid_crawl_loses_nothing(slow_cluster, redis_url):
    c = slow_cluster
    c.worker_timeout(5)  # the killed worker's pages go to another after 5 s of silence
    hanging = c.hang_on(c.briefings[5]).encode()
    c.team.start("w1", "w2")
    coordinator = c.coordinator()
    client = redis.Redis.from_url(redis_url)
    # kill -9 the worker caught downloading the page that hangs
    _wait_for(lambda: c.hanging(), what="a worker to fetch the hanging page", logs=c.logs)
    doomed = _holder(client, hanging)
    shown = json.loads(run_cli("workers", "--json", config=c.config).out)
    assert (shown["run"], shown["state"]) == (1, "running")
    assert shown["leased"] >= 1 and shown["queued"]["mfa-en"] >= 0
    assert {n for n, w in shown["workers"].items() if w["in_run"] and w["alive"]} == {
        "w1", "w2"}
    c.team.kill(doomed)
    c.team.start("w3")  # workers may join at any time
    out, _ = coordinator.communicate(timeout=180)
    assert coordinator.returncode == 0, (c.logs / "coordinator.log").read_text()
    summary = json.loads(out)
    assert (summary["status"], summary["new"], summary["failed"]) == ("completed", 40, 0)
    # the hanging page, and whatever else the killed worker held, after its heart stopped
    assert summary["sources"]["mfa-en"]["requeued"] >= 1
    assert doomed in summary["sources"]["mfa-en"]["workers"]
    assert_all_stored_once(c)


def test_a_worker_told_to_stop_gives_back_what_it_holds(slow_cluster, redis_url):
    c = slow_cluster
    hanging = c.hang_on(c.briefings[5]).encode()
    c.team.start("w1")
    coordinator = c.coordinator()
    client = redis.Redis.from_url(redis_url)
    _wait_for(lambda: c.hanging(), what="w1 to fetch the hanging page", logs=c.logs)
    assert _holder(client, hanging) == "w1"
    c.team.procs["w1"].send_signal(signal.SIGTERM)
    # at once, while its download still hangs, not after [cluster] worker_timeout (60 s)
    _wait_for(lambda: _holder(client) is None, timeout=30, what="w1 to give its leases back",
              logs=c.logs)
    c.team.start("w2")
    # and it leaves, its hanging download given up after a grace period
    assert c.team.procs["w1"].wait(30) == 0
    out, _ = coordinator.communicate(timeout=180)
    assert coordinator.returncode == 0, (c.logs / "coordinator.log").read_text()
    summary = json.loads(out)
    assert (summary["status"], summary["new"], summary["failed"]) == ("completed", 40, 0)
    assert "requeued" not in summary["sources"]["mfa-en"]  # given back, not taken back
    assert set(summary["sources"]["mfa-en"]["workers"]) == {"w1", "w2"}
    assert_all_stored_once(c)


def test_a_restarted_coordinator_takes_over_its_run(slow_cluster):
    c = slow_cluster
    c.gate()
    c.team.start("w1", "w2", "w3")
    first = c.coordinator("first.log")
    c.stored_at_least(8)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    assert _versions(c.db) < 40
    c.release()
    summary = crawl_json(c.config, "--cluster")
    assert (summary["run"], summary["status"], summary["failed"]) == (1, "completed", 0)
    rows = stored(c.config)
    assert len(rows) == 40 and {r[2] for r in rows.values()} == {1}
    assert flagged(c.config, 1) == c.each_new_once()
    runs = read_cli("runs", "--json", config=c.config).jsonl()
    assert [(r["id"], r["status"]) for r in runs] == [(1, "completed")]


def test_a_stopped_coordinator_ends_the_run_and_the_next_one_carries_on(slow_cluster,
                                                                         redis_url):
    c = slow_cluster
    c.gate()
    c.team.start("w1", "w2")
    first = c.coordinator("first.log")
    c.stored_at_least(5)
    first.send_signal(signal.SIGTERM)
    c.release()
    out, _ = first.communicate(timeout=60)
    assert first.returncode == 130
    assert json.loads(out)["status"] == "interrupted"
    assert redis.Redis.from_url(redis_url).keys("briefwatch:run:*") == []
    # the workers left the run, not the cluster: the next run finds them
    summary = crawl_json(c.config, "--cluster")
    assert (summary["run"], summary["status"]) == (2, "completed")
    assert summary["sources"]["mfa-en"]["backfill"] is True  # after an interruption
    assert len(stored(c.config)) == 40
    assert flagged(c.config, 1) + flagged(c.config, 2) == c.each_new_once()
    assert all(p.poll() is None for p in c.team.procs.values())


def test_a_redis_that_loses_the_run_fails_it_rather_than_finishing_it(slow_cluster, redis_url):
    c = slow_cluster
    c.gate()
    c.team.start("w1")
    coordinator = c.coordinator()
    c.stored_at_least(3)
    redis.Redis.from_url(redis_url).flushdb()  # what a restart without persistence does
    c.release()
    coordinator.communicate(timeout=60)
    err = (c.logs / "coordinator.log").read_text()
    assert coordinator.returncode == 1, err
    assert "lost run 1 (restarted without persistence?)" in err
    assert len(err.strip().splitlines()) == 1
    runs = read_cli("runs", "--json", config=c.config).jsonl()
    assert [r["status"] for r in runs] == ["failed"]
    summary = crawl_json(c.config, "--cluster")  # the worker is still there for the next run
    assert summary["status"] == "completed"
    assert summary["sources"]["mfa-en"]["backfill"] is True
    assert len(stored(c.config)) == 40


# -- workers coming and going --------------------------------------------------------------------


def test_a_worker_leaves_when_idle_or_told_to(tmp_path, redis_url):
    config = cluster_config(tmp_path / "c.toml", [], redis_url, db="c.db")
    idle = run_cli("worker", "--name", "lonely", "--idle-timeout", "1", config=config,
                   timeout=30)
    assert idle.code == 0, idle.err
    assert "no run for 1 s; leaving" in idle.err

    proc = subprocess.Popen(
        [*CLI, "--config", str(config), "worker", "--name", "w",
         "--idle-timeout", "0"], cwd=REPO, stderr=subprocess.PIPE, text=True)
    client = redis.Redis.from_url(redis_url)
    _wait_for(lambda: client.exists("briefwatch:node:w"), what="the worker to register")
    again = run_cli("worker", "--name", "w", "--idle-timeout", "1", config=config)
    assert again.code == 1
    assert "a worker named 'w' is already serving" in again.err
    listed = run_cli("workers", config=config)
    assert listed.code == 0
    assert "no cluster run going" in listed.out and "w " in listed.out and "idle" in listed.out
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    assert not client.exists("briefwatch:node:w")
    assert json.loads(run_cli("workers", "--json", config=config).out)["workers"] == {}


def test_cluster_mistakes_are_one_line_errors(tmp_path, redis_url):
    source = {"name": "s", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/index.html"]}
    plain = write_config(tmp_path / "plain.toml", [source])
    no_cluster = run_cli("crawl", "--cluster", config=plain)
    assert no_cluster.code == 2
    assert "--cluster needs [cluster] redis_url" in no_cluster.err
    assert len(no_cluster.err.strip().splitlines()) == 1
    for command in ("worker", "workers"):
        no_url = run_cli(command, config=plain)
        assert no_url.code == 2 and "no --redis URL given" in no_url.err

    dead = cluster_config(tmp_path / "dead.toml", [source], f"redis://127.0.0.1:{_free_port()}/0",
                          db="dead.db")
    unreachable = run_cli("crawl", "--cluster", config=dead)
    assert unreachable.code == 1
    assert "cannot reach Redis at redis://127.0.0.1:" in unreachable.err
    assert len(unreachable.err.strip().splitlines()) == 1
    for command in ("worker", "workers"):
        failed = run_cli(command, config=dead)
        assert failed.code == 1 and "cannot reach Redis" in failed.err

    lonely = cluster_config(tmp_path / "lonely.toml", [source], redis_url, db="lonely.db",
                            wait_for_workers=1)
    nobody = run_cli("crawl", "--cluster", config=lonely)
    assert nobody.code == 1
    assert "no worker took part for 1 s; start `briefwatch worker`" in nobody.err
    runs = read_cli("runs", "--json", config=lonely).jsonl()
    assert [r["status"] for r in runs] == ["failed"]
    assert redis.Redis.from_url(redis_url).keys("briefwatch:run:*") == []

    bad = cluster_config(tmp_path / "bad.toml", [source], "http://127.0.0.1:6379", db="b.db")
    wrong = run_cli("crawl", "--cluster", config=bad)
    assert wrong.code == 2 and "[cluster] redis_url must start with redis://" in wrong.err


def test_the_scheduler_runs_cluster_crawls(tmp_path, redis_url, workers):
    root = tmp_path / "site"
    archive = ds.write_archive(root, "en-2014", briefings(8), per_page=10)
    with ds.LocalSite(root) as site:
        source = {"name": "mfa-en", "spider": "mfa",
                  "start_urls": [site.url(archive.listing_path)], "schedule": "*/2 * * * * *"}
        config = cluster_config(tmp_path / "cluster.toml", [source], redis_url, db="c.db")
        workers(config).start("w1")
        log = tmp_path / "daemon.log"
        daemon = subprocess.Popen(
            [*CLI, "--config", str(config), "schedule", "--cluster",
             "--log-file", str(log)], cwd=REPO, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: log.exists() and "run 1 completed: 8 new" in log.read_text(),
                      timeout=180, what="a scheduled cluster run", logs=tmp_path)
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(60) == 0
        finally:
            if daemon.poll() is None:
                daemon.kill()
    first = read_cli("runs", "--json", config=config).jsonl()[0]
    assert first["options"]["cluster"] is True
    assert set(first["stats"]["mfa-en"]["workers"]) == {"w1"}



def test_a_workers_crawl_keeps_briefwatchs_extensions_beside_its_own():
    """A dict given at the command line's priority replaces the project's: a worker's crawl
    once lost the throttle that keeps the rooms' delay floors."""
    from briefwatch.crawler.cluster.workerprocess import worker_settings
    from briefwatch.crawler.settings import scrapy_settings

    settings = scrapy_settings(None, worker_settings("redis://127.0.0.1/0", 1, "w1", 30))
    enabled = {name for name, order in settings.getwithbase("EXTENSIONS").items()
               if order is not None}
    assert "briefwatch.crawler.throttle.FlooredAutoThrottle" in enabled
    assert "briefwatch.crawler.cluster.workerprocess.WorkerExtension" in enabled
    assert not enabled & {"scrapy.extensions.throttle.AutoThrottle",
                          "scrapy.extensions.remote_control.RemoteControl"}
