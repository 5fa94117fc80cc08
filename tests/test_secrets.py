"""No password is ever printed (issue 27): one planted in every URL the config holds (Redis, an
apprise channel), then every command that names them run for real, and its output,
its error line and every log it leaves grepped for it. Also the config errors about such URLs,
whatever their shape (a scheme typed with one slash, a wrong scheme)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.helpers import run_cli

PASSWORD = "Planted-s3cret-7f4e"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def _config(folder: Path, *, notify: str, redis: str, start: str, extra: str = "") -> Path:
    path = folder / "briefwatch.toml"
    path.write_text(f"""[storage]
path = "bw.db"

[crawl]
download_delay = 0
download_timeout = 2

[notify]
urls = ["{notify}"]

[cluster]
redis_url = "{redis}"
wait_for_workers = 1

[[sources]]
name = "mfa-en"
spider = "mfa"
start_urls = ["{start}"]
{extra}""", encoding="utf-8")
    return path


def _leaks(folder: Path, *outputs: str) -> list[str]:
    found = [text for text in outputs if PASSWORD in text]
    for log in folder.rglob("*"):
        if log.is_file() and log.suffix != ".db" and log.name != "briefwatch.toml" \
                and PASSWORD.encode() in log.read_bytes():
            found.append(str(log))
    return found


def test_no_command_prints_a_planted_password(tmp_path):
    port = _closed_port()
    config = _config(tmp_path, notify=f"json://user:{PASSWORD}@127.0.0.1:{port}/hook",
                     redis=f"redis://:{PASSWORD}@127.0.0.1:{port}/0",
                     start=f"http://127.0.0.1:{port}/eng/xw/fyrbt/index.html")
    commands = [
        ("crawl",), ("crawl", "--json"), ("crawl", "--cluster"), ("workers",),
        ("workers", "--json"), ("worker", "--idle-timeout", "1"),
        ("worker", "--redis", f"redis://:{PASSWORD}@127.0.0.1:{port}/0", "--idle-timeout", "1"),
        ("notify", "--test"), ("notify", "--test", "--json"), ("notify",), ("runs",),
        ("runs", "--json"), ("sources",), ("sources", "--json"), ("changes",), ("jobs",),
    ]
    said = []
    for args in commands:
        result = run_cli(*args, config=config, timeout=90)
        said.append(result)
        assert PASSWORD not in result.out + result.err, (args, result.out, result.err)
    assert not _leaks(tmp_path)
    # the commands did name what they could not reach, masked
    assert any("redis://:****@127.0.0.1" in r.err for r in said)
    assert any("json://user:****@127.0.0.1" in r.out + r.err for r in said)


@pytest.mark.parametrize("field, value, masked", [
    ("notify", f"json:/user:{PASSWORD}@host/x", "json:/user:****@host/x"),
    ("notify", f"jsn://user:{PASSWORD}@host/x", "jsn://user:****@host/x"),
    ("redis", f"redsi://:{PASSWORD}@host/0", "redsi://:****@host/0"),
    ("start", f"ftp://u:{PASSWORD}@host/x", "ftp://u:****@host/x"),
    ("start", f"http://u:{PASSWORD}@127.0.0.1/x", "http://u:****@127.0.0.1/x"),
    ("extra", f'[archive]\ncdx_url = "ftp://u:{PASSWORD}@host/cdx"\n', "ftp://u:****@host/cdx"),
    ("extra", f'[serve]\nbase_url = "ftp://u:{PASSWORD}@host"\n', "ftp://u:****@host"),
])
def test_config_errors_name_a_url_masked_whatever_its_shape(tmp_path, field, value, masked):
    urls = {"notify": "json://127.0.0.1/hook", "redis": "redis://127.0.0.1:6379/0",
            "start": "http://127.0.0.1/eng/index.html", "extra": "", field: value}
    config = _config(tmp_path, notify=urls["notify"], redis=urls["redis"], start=urls["start"],
                     extra=urls["extra"])
    # a notification URL is judged by the commands that notify
    result = run_cli("notify" if field == "notify" else "runs", config=config)
    assert result.code == 2 and PASSWORD not in result.err, result.err
    assert masked in result.err and len(result.err.strip().splitlines()) == 1, result.err
